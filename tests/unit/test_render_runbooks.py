"""The committed runbooks under docs/operations/runbooks match the trees they come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from dectree.check.validate import validate_catalog
from dectree.model.catalog import load_catalog
from dectree.render.markdown import render_markdown, runbook_filename

ROOT = Path(__file__).resolve().parents[2]
RUNBOOKS = ROOT / "docs/operations/runbooks"
REFRESH = "dectree render --all trees -o docs/operations/runbooks"
# The runbooks the operations team asked for (issue 6).
REQUIRED = ["performance", "connectivity", "authentication", "database", "mcp"]


@pytest.fixture(autouse=True)
def _no_extra_trees(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DECTREE_PATH", raising=False)


def test_committed_runbooks_are_current() -> None:
    catalog = load_catalog([str(ROOT / "trees")])
    assert not catalog.problems, "trees/ has load problems; run: dectree validate trees"
    problems = validate_catalog(catalog)
    stale = []
    for tree_id, loaded in sorted(catalog.trees.items()):
        path = RUNBOOKS / runbook_filename(tree_id)
        expected = render_markdown(loaded, problems).encode("utf-8")
        if not path.is_file() or path.read_bytes() != expected:
            stale.append(str(path.relative_to(ROOT)))
    assert not stale, (
        f"runbooks out of date with trees/: {', '.join(stale)}. Refresh them with: {REFRESH}"
    )


def test_every_runbook_has_its_tree() -> None:
    trees = {p.stem for p in (ROOT / "trees").glob("*.yaml")}
    orphans = [p.name for p in RUNBOOKS.glob("*-troubleshooting.md")
               if p.name.removesuffix("-troubleshooting.md") not in trees]
    assert not orphans, f"runbooks without a tree in trees/ (delete them): {orphans}"


@pytest.mark.parametrize("tree_id", REQUIRED)
def test_required_runbook_is_committed(tree_id: str) -> None:
    path = RUNBOOKS / runbook_filename(tree_id)
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing; write it with: {REFRESH}"
    text = path.read_text(encoding="utf-8")
    assert "```mermaid\nflowchart TD\n" in text
    for section in ("## Overview", "## Procedure Steps", "## Troubleshooting",
                    "## Recovery Procedures", "## Contacts & Escalation",
                    "## Documentation Updates"):
        assert f"\n{section}\n" in text, f"{path.name} lacks {section}"


@pytest.mark.parametrize("tree_id", REQUIRED)
def test_diagram_fits_mermaid_limits(tree_id: str) -> None:
    """Mermaid refuses diagrams over 50,000 characters or 500 edges (its defaults, GitHub's too)."""
    path = RUNBOOKS / runbook_filename(tree_id)
    if not path.is_file():
        pytest.fail(f"{path.relative_to(ROOT)} is missing; write it with: {REFRESH}")
    text = path.read_text(encoding="utf-8")
    diagram = text.split("```mermaid\n", 1)[1].split("\n```\n", 1)[0]
    assert len(diagram) < 50_000
    assert diagram.count("-->") + diagram.count("-.->") < 500
