"""`dectree render`: one tree or all, to stdout, a file or a directory, and --check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dectree.cli import main

ROOT = Path(__file__).resolve().parents[2]
DISK = ROOT / "tests/fixtures/valid/disk.yaml"
FIXTURES = ROOT / "tests/render/fixtures"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DECTREE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)


def _trees(tmp_path: Path) -> Path:
    trees = tmp_path / "trees"
    trees.mkdir()
    shutil.copy(DISK, trees / "disk.yaml")
    shutil.copy(FIXTURES / "links/alpha.yaml", trees / "alpha.yaml")
    shutil.copy(FIXTURES / "links/beta.yaml", trees / "beta.yaml")
    return trees


def test_render_file_to_stdout_in_each_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(DISK)]) == 0
    assert capsys.readouterr().out.startswith("# Runbook: Disk full on a Linux host\n")
    assert main(["render", str(DISK), "--format", "mermaid"]) == 0
    assert capsys.readouterr().out.startswith("flowchart TD\n")
    assert main(["render", str(DISK), "-f", "dot"]) == 0
    assert 'digraph "disk" {' in capsys.readouterr().out


def test_render_by_id_and_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _trees(tmp_path)
    assert main(["render", "alpha", "-o", "out/alpha.md"]) == 0
    text = (tmp_path / "out/alpha.md").read_text()
    assert "beta-troubleshooting.md#check" in text
    assert capsys.readouterr().out == ""
    # A file beside other trees is loaded with them, so its links are checked and fine.
    assert main(["render", "trees/alpha.yaml", "-o", "-"]) == 0
    assert capsys.readouterr().out == text


def test_render_all_writes_one_runbook_per_tree(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    _trees(tmp_path)
    assert main(["render", "--all", "trees", "-o", "docs"]) == 0
    names = sorted(p.name for p in (tmp_path / "docs").iterdir())
    assert names == ["alpha-troubleshooting.md", "beta-troubleshooting.md",
                     "disk-troubleshooting.md"]
    assert "wrote docs/disk-troubleshooting.md" in capsys.readouterr().err
    # No paths given: ./trees is used.
    assert main(["render", "--all", "-o", "dots", "--format", "dot"]) == 0
    assert sorted(p.name for p in (tmp_path / "dots").iterdir()) == ["alpha.dot", "beta.dot",
                                                                     "disk.dot"]


def test_render_all_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _trees(tmp_path)
    assert main(["render", "--all", "trees", "-o", "docs", "--check"]) == 1
    err = capsys.readouterr().err
    assert "docs/alpha-troubleshooting.md: out of date" in err
    assert "refresh them with: dectree render --all trees -o docs" in err
    assert not (tmp_path / "docs").exists()
    assert main(["render", "--all", "trees", "-o", "docs"]) == 0
    assert main(["render", "--all", "trees", "-o", "docs", "--check"]) == 0
    before = (tmp_path / "docs/disk-troubleshooting.md").read_bytes()
    (tmp_path / "docs/disk-troubleshooting.md").write_bytes(before + b"edited by hand\n")
    capsys.readouterr()
    assert main(["render", "--all", "trees", "-o", "docs", "--check"]) == 1
    assert "disk-troubleshooting.md: out of date" in capsys.readouterr().err
    import os

    (tmp_path / "docs/disk-troubleshooting.md").unlink()
    os.mkfifo(tmp_path / "docs/disk-troubleshooting.md")  # a plain read would block
    assert main(["render", "--all", "trees", "-o", "docs", "--check"]) == 1
    assert "disk-troubleshooting.md: out of date" in capsys.readouterr().err


def test_writes_are_atomic_and_leave_no_temp_files(tmp_path: Path) -> None:
    _trees(tmp_path)
    out = tmp_path / "docs"
    out.mkdir()
    (out / "disk-troubleshooting.md").write_text("old")
    assert main(["render", "--all", "trees", "-o", "docs"]) == 0
    assert (out / "disk-troubleshooting.md").read_text().startswith("# Runbook:")
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_tree_with_errors_is_rendered_and_exits_1(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(FIXTURES / "broken.yaml"), "-f", "mermaid"]) == 1
    captured = capsys.readouterr()
    assert "⚠ dead end" in captured.out
    assert "error DT201 reference to unknown node 'nowhere'" in captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["render"], "give one TREE"),
        (["render", "a", "b"], "give one TREE"),
        (["render", "--all"], "--all needs -o DIR"),
        (["render", "--all", "-o", "-"], "--all needs -o DIR"),
        (["render", str(DISK), "--check"], "--check works with --all"),
        (["render", "nosuch"], "no tree with id 'nosuch'"),
        (["render", "missing.yaml"], "missing.yaml: no such tree file"),
        (["render", "--all", "nowhere", "-o", "x"], "nowhere: no such file or directory"),
        (["render", str(DISK), "--format", "pdf"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str,
                             capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    assert code == 2
    assert message in capsys.readouterr().err


def test_output_dir_that_is_a_file_is_a_usage_error(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "afile").write_text("x")
    assert main(["render", "--all", str(DISK), "-o", "afile"]) == 2
    assert "afile: not a directory" in capsys.readouterr().err


def test_a_tree_that_does_not_load(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: [unclosed\n")
    assert main(["render", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml:" in err and "DT001" in err
    assert "the tree did not load" in err
