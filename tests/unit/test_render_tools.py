"""Rendered diagrams against the real tools: Graphviz `dot` and the Mermaid parser.

Every tree in trees/ and every render fixture is rendered and handed to
`dot -Tsvg` and to `mermaid.parse()` (tests/render/mermaid_check.mjs, Node with
jsdom). The tools are required: when one is missing these tests fail with the
command that installs it, in CI and locally alike, so the check never skips
silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dectree.check.validate import validate_catalog
from dectree.model.catalog import load_catalog
from dectree.render.dot import render_dot
from dectree.render.markdown import render_markdown
from dectree.render.mermaid import render_mermaid

ROOT = Path(__file__).resolve().parents[2]
CHECKS = ROOT / "tests/render"
CHECKER = CHECKS / "mermaid_check.mjs"
INSTALL = "scripts/install-render-tools.sh (apt-get install -y graphviz; npm ci --prefix tests/render)"
SOURCES = [
    ROOT / "trees",
    ROOT / "tests/fixtures/valid/disk.yaml",
    CHECKS / "fixtures/hostile.yaml",
    CHECKS / "fixtures/broken.yaml",
    CHECKS / "fixtures/nostart.yaml",
    CHECKS / "fixtures/links",
]


def _missing(what: str) -> None:
    where = "CI must install it before the tests" if os.environ.get("CI") else "install it"
    pytest.fail(f"{what} is not available; {where}: {INSTALL}", pytrace=False)


def _dot() -> str:
    path = shutil.which("dot")
    if path is None:
        _missing("Graphviz `dot` (Debian package graphviz)")
    assert path is not None
    return path


def _node() -> str:
    path = shutil.which("node")
    if path is None:
        _missing("Node.js (`node`)")
    assert path is not None
    if not (CHECKS / "node_modules/mermaid/package.json").is_file() or \
            not (CHECKS / "node_modules/jsdom/package.json").is_file():
        _missing("the Mermaid parser (tests/render/node_modules)")
    return path


def _catalog():  # type: ignore[no-untyped-def]
    tree_files = sorted((ROOT / "trees").glob("*.yaml"))
    assert tree_files, "no trees in trees/ to check"
    catalogs = [load_catalog([str(source)]) for source in SOURCES]
    return [(c, validate_catalog(c)) for c in catalogs]


def _rendered(tmp_path: Path, fmt: str) -> list[Path]:
    renderer, suffix = {"dot": (render_dot, ".dot"), "mermaid": (render_mermaid, ".mmd"),
                        "markdown": (render_markdown, ".md")}[fmt]
    files = []
    for i, (catalog, problems) in enumerate(_catalog()):
        assert not catalog.problems, catalog.problems
        for tree_id, loaded in sorted(catalog.trees.items()):
            path = tmp_path / f"{i}-{tree_id}{suffix}"
            path.write_text(renderer(loaded, problems), encoding="utf-8")
            files.append(path)
    return files


def test_every_tree_in_trees_is_checked() -> None:
    catalog = load_catalog([str(ROOT / "trees")])
    assert sorted(catalog.trees) == sorted(p.stem for p in (ROOT / "trees").glob("*.yaml"))


def test_graphviz_accepts_every_dot_render(tmp_path: Path) -> None:
    dot = _dot()
    files = _rendered(tmp_path, "dot")
    assert len(files) >= 5
    for path in files:
        result = subprocess.run([dot, "-Tsvg", str(path)], capture_output=True, text=True,
                                timeout=60, check=False)
        assert result.returncode == 0, f"{path.name}: {result.stderr}"
        assert "<svg" in result.stdout
        assert "error" not in result.stderr.lower(), f"{path.name}: {result.stderr}"


def _mermaid_check(files: list[Path]) -> subprocess.CompletedProcess[str]:
    node = _node()
    return subprocess.run([node, str(CHECKER), *map(str, files)], capture_output=True,
                          text=True, timeout=300, check=False, cwd=CHECKS)


def test_mermaid_parses_every_render(tmp_path: Path) -> None:
    files = _rendered(tmp_path, "mermaid") + _rendered(tmp_path, "markdown")
    result = _mermaid_check(files)
    assert result.returncode == 0, result.stdout + result.stderr
    ok = [line for line in result.stdout.splitlines() if line.startswith("ok ")]
    assert len(ok) == len(files), result.stdout


def test_mermaid_parses_the_committed_runbooks() -> None:
    runbooks = sorted((ROOT / "docs/operations/runbooks").glob("*.md"))
    assert runbooks, "no runbooks committed under docs/operations/runbooks"
    result = _mermaid_check(runbooks)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_mermaid_checker_rejects_a_broken_diagram(tmp_path: Path) -> None:
    good = tmp_path / "good.mmd"
    good.write_text('flowchart TD\n  a["x"] --> b\n')
    bad = tmp_path / "bad.mmd"
    # An unescaped quote ends the label early: exactly what escaping prevents.
    bad.write_text('flowchart TD\n  a{"x "} y"} --> b\n')
    keyword = tmp_path / "keyword.md"
    # A node id taken from a tree ("end") is a Mermaid keyword: why ids are generated.
    keyword.write_text('# doc\n\n```mermaid\nflowchart TD\n  end["x"] --> b\n```\n')
    no_diagram = tmp_path / "none.md"
    no_diagram.write_text("# no diagram here\n")
    result = _mermaid_check([good, bad, keyword, no_diagram])
    assert result.returncode == 1
    assert f"ok {good}" in result.stdout
    assert f"FAIL {bad}" in result.stdout
    assert f"FAIL {keyword}#1" in result.stdout
    assert f"FAIL {no_diagram}: no mermaid diagram found" in result.stdout


def test_graphviz_rejects_a_broken_string(tmp_path: Path) -> None:
    dot = _dot()
    bad = tmp_path / "bad.dot"
    bad.write_text('digraph { "a" [label="say "hi""]; }\n')
    result = subprocess.run([dot, "-Tsvg", str(bad)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode != 0
