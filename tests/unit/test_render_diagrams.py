"""Mermaid and DOT output: shapes by kind, links, and highlighted problems.

These check the text we generate; tests/unit/test_render_tools.py feeds the
same output to the real Mermaid parser and to Graphviz.
"""

from __future__ import annotations

import re
from pathlib import Path

from dectree.check.validate import validate_catalog
from dectree.model.catalog import load_catalog
from dectree.render.dot import render_dot
from dectree.render.formats import output_name, render
from dectree.render.mermaid import render_mermaid
from dectree.render.outline import outline

ROOT = Path(__file__).resolve().parents[2]
DISK = ROOT / "tests/fixtures/valid/disk.yaml"
FIXTURES = ROOT / "tests/render/fixtures"


def _load(path: Path):  # type: ignore[no-untyped-def]
    catalog = load_catalog([str(path)])
    return catalog, validate_catalog(catalog)


def _classes(mermaid: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for members, name in re.findall(r"^  class (\S+) (\w+)$", mermaid, re.M):
        out[name] = set(members.split(","))
    return out


def test_walk_order_is_breadth_first_then_unreachable() -> None:
    catalog, problems = _load(DISK)
    plan = outline(catalog.trees["disk"], problems)
    assert plan.order == ["which-mount", "deleted-open", "many-files", "restart-holder",
                          "escalate-l2"]
    catalog, problems = _load(FIXTURES / "broken.yaml")
    plan = outline(catalog.trees["broken"], problems)
    assert plan.order == ["first", "stuck", "orphan"]
    assert plan.reachable == {"first", "stuck"}


def test_mermaid_shapes_and_styles_by_kind() -> None:
    catalog, problems = _load(DISK)
    text = render_mermaid(catalog.trees["disk"], problems)
    assert text.startswith("flowchart TD\n")
    assert '  n1{"Which filesystem is full"}' in text                       # question: rhombus
    assert '  n4(["Space held by a deleted file<br/>(resolved)"])' in text  # conclusion: stadium
    assert '  n5{{"Escalate to L2<br/>' in text                              # escalation: hexagon
    assert '  n1 -->|"Out of blocks (Use% 100%)"| n2' in text
    assert "  n4 -.->|\"not fixed\"| n5" in text
    classes = _classes(text)
    assert classes["question"] == {"n1", "n2"}
    assert classes["resolved"] == {"n4"}
    assert classes["workaround"] == {"n3"}
    assert classes["escalation"] == {"n5"}
    assert "problem" not in classes
    for name in ("question", "resolved", "workaround", "escalate", "escalation", "link", "problem"):
        assert re.search(rf"^  classDef {name} fill:#", text, re.M)


def test_mermaid_highlights_unreachable_dead_ends_and_missing_targets() -> None:
    catalog, problems = _load(FIXTURES / "broken.yaml")
    text = render_mermaid(catalog.trees["broken"], problems)
    classes = _classes(text)
    assert '  n2{"Nothing follows this question.<br/>⚠ dead end"}' in text
    assert '  n3(["Orphan conclusion<br/>(resolved)<br/>⚠ unreachable"])' in text
    assert '  m1["⚠ missing: nowhere"]' in text
    assert '  m2["⚠ missing: ghost:start"]' in text
    assert classes["problem"] == {"n2", "n3", "m1", "m2"}
    # The problems are listed as comments for the reader of the source.
    assert re.search(r"^  %% error DT201 line 20: ", text, re.M)
    # problem is defined last so its colours win over the kind's.
    assert list(re.findall(r"^  classDef (\w+)", text, re.M))[-1] == "problem"


def test_without_problems_findings_come_from_the_tree() -> None:
    catalog, _ = _load(FIXTURES / "broken.yaml")
    tree = catalog.trees["broken"].tree
    text = render_mermaid(tree)
    assert "⚠ dead end" in text and "⚠ unreachable" in text
    assert '["⚠ missing: nowhere"]' in text
    # Without a catalog a link into another tree cannot be checked: drawn as a link.
    assert '[["↪ ghost runbook: start"]]' in text


def test_links_are_link_shaped_nodes() -> None:
    catalog, problems = _load(FIXTURES / "links")
    text = render_mermaid(catalog.trees["alpha"], problems)
    assert '  l1[["↪ beta runbook: check"]]' in text
    assert '  n1 -->|"Yes"| l1' in text
    assert "  n2 -.->|\"not fixed\"| l1" in text
    assert _classes(text)["link"] == {"l1"}
    dot = render_dot(catalog.trees["alpha"], problems)
    assert '"link:beta:check" [label="↪ beta runbook\\ncheck", shape=folder' in dot
    assert '"ask" -> "link:beta:check" [label="Yes"];' in dot


def test_mermaid_ids_never_come_from_the_tree() -> None:
    catalog, problems = _load(FIXTURES / "hostile.yaml")
    text = render_mermaid(catalog.trees["hostile"], problems)
    ids = set(re.findall(r"^  (\w+)[\[({]", text, re.M))
    assert ids == {"s0", "n1", "n2", "n3", "n4"}
    for keyword in ("end", "graph", "subgraph", "style"):
        assert not re.search(rf"^  {keyword}\b", text, re.M)


def test_dot_output_shapes_and_highlights() -> None:
    catalog, problems = _load(FIXTURES / "broken.yaml")
    text = render_dot(catalog.trees["broken"], problems)
    assert text.startswith("// dectree tree broken 1\n")
    assert 'digraph "broken" {' in text and text.endswith("}\n")
    assert re.search(r'^  "first" \[label="First\?", shape=diamond', text, re.M)
    stuck = next(line for line in text.splitlines() if line.startswith('  "stuck" ['))
    assert "⚠ dead end" in stuck and 'style="filled,dashed"' in stuck and "#d50000" in stuck
    orphan = next(line for line in text.splitlines() if line.startswith('  "orphan" ['))
    assert "⚠ unreachable" in orphan and "penwidth=3" in orphan
    assert '"first" -> "missing:nowhere" [label="Missing", color="#d50000"];' in text
    assert '"first" -> "missing:ghost:start" [label="Other tree", color="#d50000"];' in text


def test_render_dispatch_and_file_names() -> None:
    catalog, problems = _load(DISK)
    loaded = catalog.trees["disk"]
    assert render(loaded, "mermaid", problems) == render_mermaid(loaded, problems)
    assert render(loaded, "dot", problems) == render_dot(loaded, problems)
    assert output_name("disk", "markdown") == "disk-troubleshooting.md"
    assert output_name("disk", "mermaid") == "disk.mmd"
    assert output_name("disk", "dot") == "disk.dot"


def test_missing_start_is_drawn_as_a_problem() -> None:
    catalog, problems = _load(FIXTURES / "nostart.yaml")
    loaded = catalog.trees["nostart"]
    text = render_mermaid(loaded, problems)
    assert '  m0["⚠ missing start: nothing"]' in text
    assert "  s0 --> m0" in text
    assert _classes(text)["problem"] == {"m0"}
    dot = render_dot(loaded, problems)
    assert '"__start" -> "__missing_start" [color="#d50000"];' in dot
