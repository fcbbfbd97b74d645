"""The package layout is enforced: import-linter's contracts, no import cycles, a lean top level."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "dectree"


def _lint_imports() -> str:
    found = Path(sys.executable).with_name("lint-imports")
    return str(found) if found.exists() else (shutil.which("lint-imports") or "lint-imports")


def test_import_linter_contracts_are_kept() -> None:
    """`lint-imports` (contracts in pyproject.toml): layers, app/mcp independence, no textual below."""
    result = subprocess.run(
        [_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_no_import_cycle_between_modules() -> None:
    """Every import counts, typing-only and function-level ones too."""
    graph = grimp.build_graph("dectree", cache_dir=None)
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("dectree"):
                edges.add_edge(module, imported)
    cycles = [c for c in nx.simple_cycles(edges) if len(c) > 1]
    assert cycles == [], " ; ".join(" -> ".join([*c, c[0]]) for c in cycles[:5])


def test_top_level_holds_only_the_entry_points_and_the_subpackages() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert modules == ["__init__.py", "__main__.py", "cli.py"]
    for child in PACKAGE.iterdir():
        if child.is_dir() and child.name not in {"__pycache__", "trees"}:
            init = child / "__init__.py"
            assert init.exists(), f"{child.name} is not a package"
            doc = init.read_text(encoding="utf-8")
            assert doc.startswith('"""'), f"{child.name}/__init__.py has no docstring"


def test_architecture_md_names_only_what_exists() -> None:
    """Every `dectree.x.y` and `dectree/x/y.py` that ARCHITECTURE.md names is there."""
    import importlib.util
    import re

    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    dotted = set(re.findall(r"`(dectree(?:\.[a-z_]+)+)", text))
    paths = set(re.findall(r"`(dectree/[\w/]+\.(?:py|tcss))`", text))
    assert len(dotted) >= 10 and len(paths) >= 10
    missing = [name for name in sorted(dotted) if importlib.util.find_spec(name) is None]
    missing += [path for path in sorted(paths) if not (ROOT / path).exists()]
    assert missing == []
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    for package in packages:
        assert f"### `dectree.{package}" in text, f"dectree.{package} has no section"
    assert len(text.splitlines()) < 250
