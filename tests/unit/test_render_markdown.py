"""Markdown runbooks: the template's sections, walk order, links and problems."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from dectree.check.validate import validate_catalog
from dectree.model.catalog import LoadedTree, load_catalog
from dectree.model.tree import Tree
from dectree.render.markdown import render_markdown, runbook_filename

ROOT = Path(__file__).resolve().parents[2]
DISK = ROOT / "tests/fixtures/valid/disk.yaml"
FIXTURES = ROOT / "tests/render/fixtures"
MD = MarkdownIt("commonmark").enable("table")

SECTIONS = [
    "Overview",
    "Procedure Steps",
    "Troubleshooting",
    "Recovery Procedures",
    "Contacts & Escalation",
    "Documentation Updates",
]


def _loaded(*paths: Path) -> tuple[dict[str, LoadedTree], list]:  # type: ignore[type-arg]
    catalog = load_catalog([str(p) for p in paths])
    assert catalog.trees, catalog.problems
    return catalog.trees, validate_catalog(catalog)


def _disk() -> str:
    trees, problems = _loaded(DISK)
    return render_markdown(trees["disk"], problems)


def test_sections_in_template_order() -> None:
    text = _disk()
    assert text.startswith("# Runbook: Disk full on a Linux host\n")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == SECTIONS
    subsections = re.findall(r"^### (.+)$", text, re.M)
    for name in ("Prerequisites", "Escalation criteria", "Rollback", "If a procedure fails",
                 "Change log"):
        assert name in subsections


def test_mermaid_diagram_sits_above_the_overview() -> None:
    text = _disk()
    fence = text.index("```mermaid\nflowchart TD\n")
    assert fence < text.index("## Overview")
    assert text.count("```mermaid") == 1


def test_overview_holds_purpose_scope_prerequisites() -> None:
    overview = _disk().split("## Overview")[1].split("## Procedure Steps")[0]
    assert "**Purpose:** Find what filled a filesystem and free space safely." in overview
    assert "**Scope:** Linux hosts with systemd; not network filesystems." in overview
    assert "- Shell access with sudo on the affected host" in overview
    assert "| `{host}` | The affected host. | `web-01` |" in overview


def test_procedure_steps_in_walk_order_with_commands_and_answers() -> None:
    steps = _disk().split("## Procedure Steps")[1].split("## Troubleshooting")[0]
    assert re.findall(r"^### (.+)$", steps, re.M) == [
        "Step 1: Which filesystem is full",
        "Step 2: Deleted files held open",
    ]
    first = steps.split("### Step 2")[0]
    assert "**Question:** Is the full filesystem out of blocks or out of inodes?" in first
    assert "```sh\nssh {host} df -h {mount}\n```" in first
    assert "Look for: Use% at 100% means out of blocks." in first
    assert ("| Out of blocks (Use% 100%) | [Step 2: Deleted files held open](#deleted-open) |"
            in first)
    assert ("| Out of inodes (IUse% 100%) | [T1: Inodes exhausted by small files](#many-files) |"
            in first)


def test_every_conclusion_has_symptom_cause_resolution_verification() -> None:
    trouble = _disk().split("## Troubleshooting")[1].split("### Escalation criteria")[0]
    # Breadth-first: many-files (answer 2 of step 1) comes before restart-holder (step 2).
    assert re.findall(r"^### (.+)$", trouble, re.M) == [
        "T1. Inodes exhausted by small files",
        "T2. Space held by a deleted file",
    ]
    for part in trouble.split("### T")[1:]:
        for label in ("**Outcome:**", "**Symptom:**", "**Root cause:**", "**Resolution:**",
                      "**Verification:**"):
            assert label in part
    t2 = trouble.split("### T2")[1]
    assert "answered “Yes, large deleted files are held open”" in t2
    assert "1. Restart the process that holds the file.\n\n   ```sh\n" in t2
    assert "**If not fixed:** go to [E1: Escalate to L2](#escalate-l2)" in t2


def test_escalation_recovery_contacts_and_updates() -> None:
    text = _disk()
    criteria = text.split("### Escalation criteria")[1].split("## Recovery Procedures")[0]
    assert "- **L1:** The filesystem is full and the steps below did not free space." in criteria
    assert "#### E1. Escalate to L2" in criteria
    assert "- Output of df -h and du -x on the mount" in criteria
    recovery = text.split("## Recovery Procedures")[1].split("## Contacts")[0]
    assert "Restore removed files from backup if any were needed." in recovery
    assert "None needed; the restart only releases file handles." in recovery
    assert "does not fix the problem, go to [E1: Escalate to L2](#escalate-l2)." in recovery
    contacts = text.split("## Contacts & Escalation")[1].split("## Documentation")[0]
    rows = [r for r in contacts.splitlines() if re.match(r"\| L\d ", r)]
    assert [r.split("|")[1].strip() for r in rows] == ["L1", "L2", "L3"]
    assert "15 minutes" in rows[0]
    assert "*not set in the tree*" in rows[2]
    updates = text.split("## Documentation Updates")[1]
    assert "- **Last updated:** 2026-11-01 by platform-sre" in updates
    assert "- **Next review:** 2027-05-01" in updates
    assert "| 2026-11-01 | platform-sre | First version. |" in updates


def test_every_internal_link_has_an_anchor() -> None:
    for path in (DISK, FIXTURES / "hostile.yaml", FIXTURES / "broken.yaml"):
        trees, problems = _loaded(path)
        (loaded,) = trees.values()
        text = render_markdown(loaded, problems)
        anchors = set(re.findall(r'<a id="([^"]+)" name="\1"></a>', text))
        targets = set(re.findall(r"\]\(#([^)]+)\)", text))
        assert targets, path
        assert targets <= anchors, path


def test_render_is_deterministic_and_pure(tmp_path: Path) -> None:
    """The same tree renders the same bytes from another folder, in other processes with
    other hash seeds, time zones, locales and working directories."""
    import os
    import shutil
    import subprocess
    import sys

    trees, problems = _loaded(DISK)
    here = render_markdown(trees["disk"], problems)
    elsewhere = tmp_path / "other" / "place"
    elsewhere.mkdir(parents=True)
    shutil.copy(DISK, elsewhere / "disk.yaml")
    moved, moved_problems = _loaded(elsewhere / "disk.yaml")
    assert render_markdown(moved["disk"], moved_problems) == here
    script = (
        "import sys; from dectree.model.catalog import load_catalog; "
        "from dectree.render.markdown import render_markdown; "
        "c = load_catalog([sys.argv[1]]); "
        "sys.stdout.buffer.write(render_markdown(c.trees['disk'], c.problems).encode())"
    )
    for seed, zone in (("1", "Pacific/Kiritimati"), ("4242", "America/Adak")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": zone, "LC_ALL": "C",
               "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-c", script, str(DISK)],
            cwd=tmp_path, env=env, capture_output=True, check=True,
        ).stdout.decode()
        assert out == here
    # A bare Tree renders the same runbook as the loaded one when there are no problems.
    assert not problems
    tree = Tree.model_validate(trees["disk"].tree.model_dump())
    assert render_markdown(tree) == render_markdown(trees["disk"], problems)


def test_review_overdue_does_not_change_the_runbook() -> None:
    catalog = load_catalog([str(DISK)])
    late = validate_catalog(catalog, today=catalog.trees["disk"].tree.review.next_review.replace(
        year=2100))
    assert any(p.code == "DT216" for p in late)
    assert render_markdown(catalog.trees["disk"], late) == _disk()


def test_cross_tree_links_point_at_the_other_runbook() -> None:
    trees, problems = _loaded(FIXTURES / "links")
    text = render_markdown(trees["alpha"], problems)
    assert "| Yes | the [beta runbook](beta-troubleshooting.md#check), at `check` |" in text
    assert "**If not fixed:** go to the [beta runbook](beta-troubleshooting.md#check)" in text
    assert runbook_filename("beta") == "beta-troubleshooting.md"
    # The target runbook has the anchor the link needs.
    assert '<a id="check" name="check"></a>' in render_markdown(trees["beta"], problems)


def test_problems_are_listed_and_flagged() -> None:
    trees, problems = _loaded(FIXTURES / "broken.yaml")
    text = render_markdown(trees["broken"], problems)
    warning = text.split("> [!WARNING]")[1].split("\n\n")[0]
    for code in ("DT201", "DT203", "DT202", "DT209"):
        assert code in warning
    assert "broken.yaml line 20" in warning
    assert str(FIXTURES) not in text  # no machine-specific paths
    assert "### Step 2: Nothing follows this question. ⚠ *dead end*" in text
    assert "### T1. Orphan conclusion ⚠ *unreachable*" in text
    assert "| Missing | ⚠ missing node `nowhere` |" in text
    assert "| Other tree | ⚠ missing node `ghost:start` |" in text


def test_hostile_text_keeps_the_document_intact() -> None:
    trees, problems = _loaded(FIXTURES / "hostile.yaml")
    text = render_markdown(trees["hostile"], problems)
    html = MD.render(text)
    assert re.findall(r"<h2>(.*?)</h2>", html) == [s.replace("&", "&amp;") for s in SECTIONS]
    # Every table row has as many cells as its header.
    for table in re.findall(r"<table>(.*?)</table>", html, re.S):
        widths = {len(re.findall(r"<t[hd]>", row)) for row in re.findall(r"<tr>(.*?)</tr>", table,
                                                                           re.S)}
        assert len(widths) == 1, table
    # The answers table of step 1 shows the labels literally.
    step = html.split("Step 1:")[1].split("</table>")[0]
    assert "Yes &quot;really&quot; | [sure] `x` #35; --&gt;" in step
    assert "No (not [at] all) {ok}" in step
    # Three commands, the Mermaid block and the author's fence (closed in the overview).
    assert html.count("<pre>") == 5
    assert "<code>" in html.split("<h2>Procedure Steps</h2>")[1]


@pytest.mark.parametrize("field", ["title", "purpose"])
def test_literal_fields_render_once(field: str) -> None:
    trees, problems = _loaded(FIXTURES / "hostile.yaml")
    text = render_markdown(trees["hostile"], problems)
    assert text.endswith("\n") and not text.endswith("\n\n")
    if field == "title":
        title = MD.render(text.splitlines()[0])
        assert title == ("<h1>Runbook: Quotes &quot; ' brackets [x] {y} (z) &lt;b&gt;bold&lt;/b&gt;"
                         " | pipe `tick` # hash</h1>\n")
    else:
        assert text.count("\\## Not a heading of the runbook") == 1


# --- any text in any field keeps the template's structure ---------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

LINE = st.text(alphabet=st.sampled_from(list("\"'`|[]{}()<>#&;*_~$\\!-+=.: aZ1")), min_size=1,
               max_size=30).filter(str.strip)
BLOCK = st.lists(st.sampled_from(["```", "~~~", "````sh", "```a`b", "  ```", "# h", "## h",
                                  "---", "===", "<div>", "<!--", "> q", "- i", "1. i", "",
                                  "    code", "text", "`a", "<unit>", "| a | b |",
                                  "| --- | --- |", "<a id='x'>"]),
                 min_size=1, max_size=8).map("\n".join).filter(str.strip)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=LINE, block=BLOCK)
def test_hostile_fields_never_break_the_template(line: str, block: str) -> None:
    data = Tree.model_validate(load_catalog([str(DISK)]).trees["disk"].tree).model_dump()
    data["title"] = line
    for key in ("purpose", "scope", "method"):
        data[key] = block
    data["escalation"]["L1"]["when"] = block
    data["review"]["changelog"][0]["change"] = block
    for node in data["nodes"].values():
        node["title"] = line
        for key in ("prompt", "detail", "root_cause", "verify", "rollback", "reason"):
            if key in node and node[key] is not None:
                node[key] = block
        for choice in node.get("choices", []):
            choice["label"] = line + choice["label"]
        for check in node.get("checks", []):
            check["look_for"] = block
        for step in node.get("resolution", []):
            step["do"] = block
    text = render_markdown(Tree.model_validate(data))
    html = MD.render(text)
    assert re.findall(r"<h2>(.*?)</h2>", html) == [s.replace("&", "&amp;") for s in SECTIONS]
    assert html.count("<h1>") == 1
    h3 = re.findall(r"<h3>(.*?)</h3>", html)
    assert sum(h.startswith("Step ") for h in h3) == 2
    assert sum(re.match(r"T\d\. ", h) is not None for h in h3) == 2
    for table in re.findall(r"<table>(.*?)</table>", html, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        assert len({len(re.findall(r"<t[hd]>", row)) for row in rows}) == 1
