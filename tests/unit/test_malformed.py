"""Malformed inputs through the real CLI: each gives its code and exit 1, never a traceback.

The per-code fixtures are the corpus; inputs that are awkward to keep in git
(huge, binary, pathological) are generated here at test time.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dectree.cli import main
from dectree.source.problems import CODES, Severity

CODES_DIR = Path(__file__).parent / "fixtures" / "codes"
SUPPORT = CODES_DIR / "support-other.yaml"
CORPUS = sorted(CODES_DIR.glob("DT*.yaml"))


def validate(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, str]:
    code = main(["validate", "--strict", "--today", "2026-11-26", *map(str, paths)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_input_exits_with_its_code(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code_id = path.stem.split("-")[0]
    code, out = validate(capsys, path, SUPPORT)
    assert f" {code_id} " in out
    expected = 0 if CODES[code_id][0] is Severity.info else 1
    assert code == expected


GENERATED: dict[str, tuple[bytes, str]] = {
    "huge": (b"id: t\ntitle: " + b"x" * (17 * 1024 * 1024) + b"\n", "DT004"),
    "binary-junk": (bytes(range(256)) * 64, "DT005"),
    "latin1": ("id: t\ntitle: Café\n".encode("latin-1"), "DT005"),
    "nul-bytes": (b"id: t\x00\x00\n", "DT001"),
    "deep-flow": (b"a: " + b"[" * 10_000 + b"]" * 10_000 + b"\n", "DT008"),
    "deep-block": ("".join("  " * i + f"k{i}:\n" for i in range(200)).encode(), "DT008"),
    "long-line": (b"id: " + b"y" * (1024 * 1024) + b"\n", "DT102"),
    "control-chars": (b"id: t\x07\n", "DT001"),
    "only-spaces": (b"   \n\n  \n", "DT006"),
    "number-document": (b"42\n", "DT006"),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_input(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw, code_id = GENERATED[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(raw)
    code, out = validate(capsys, path)
    assert code == 1
    assert f"{path}:" in out and f" {code_id} " in out


def test_every_read_and_schema_code_is_produced_by_some_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The inputs above between them make dectree report every reading and schema error
    (what validate printed, not what the test's tables say)."""
    inputs = [*CORPUS]
    for name, (raw, _) in GENERATED.items():
        if name != "huge":  # DT004 has its own test; 17 MB once is enough
            inputs.append(tmp_path / f"{name}.yaml")
            inputs[-1].write_bytes(raw)
    reported = set()
    for path in inputs:
        _, out = validate(capsys, path, SUPPORT)
        reported |= set(re.findall(r" (DT\d{3}) ", out))
    wanted = {c for c in CODES if c < "DT200"} - {"DT004", "DT010", "DT104"}
    assert wanted <= reported, sorted(wanted - reported)


def test_tree_files_that_cannot_be_read_are_named_and_look_alikes_noted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.setenv("DECTREE_NO_CACHE", "1")
    folder = tmp_path / "trees"
    folder.mkdir()
    os.mkfifo(folder / "fifo.yaml")  # a plain read would block
    (folder / "zero.yaml").symlink_to("/dev/zero")  # a plain read would never end
    (folder / "loop.yaml").symlink_to("loop.yaml")
    (folder / "gone.yml").symlink_to("nothing")
    (folder / "dir.yaml").mkdir()
    (folder / "UPPER.YAML").write_text("id: t\n")
    code = main(["validate", str(folder)])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err
    assert f"{folder / 'fifo.yaml'}:1:1: error DT010 cannot read file: not a regular file (a FIFO)" in out
    assert "zero.yaml:1:1: error DT010 cannot read file: not a regular file (a character device)" in out
    assert "loop.yaml:1:1: error DT010 cannot read file: a symlink loop" in out
    assert "gone.yml:1:1: error DT010 cannot read file: a symlink to 'nothing', which does not exist" in out
    assert err.splitlines() == [
        f"dectree: note: {folder / 'UPPER.YAML'}: skipped: tree files end in .yaml or .yml, in lowercase",
        f"dectree: note: {folder / 'dir.yaml'}: skipped: a directory, not a tree file",
    ]


def test_no_tree_files_is_not_a_success(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["validate", str(tmp_path / "empty")]) == 2
    assert f"dectree: error: no tree files (*.yaml, *.yml) in {tmp_path / 'empty'}" in capsys.readouterr().err


def test_a_symlink_loop_is_called_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to("loop.yaml")
    for argv in (["validate", str(loop)], ["list", str(loop)], ["run", str(loop)]):
        assert main(argv) == 2
        assert f"{loop}: a symlink loop" in capsys.readouterr().err


@pytest.mark.parametrize(("key", "shown"), [("~", "null"), ("12", "12"), ("true", "true")])
def test_a_node_key_that_is_not_text_is_shown_as_yaml_wrote_it(
    key: str, shown: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(f"id: t\ntitle: T\nstart: a\nnodes:\n  {key}:\n    kind: question\n")
    code, out = validate(capsys, path)
    assert code == 1
    assert f"{path}:5:3: error DT102 node key {shown} is missing required key 'prompt'" in out
    assert f"{path}:5:3: error DT103 node key {shown}: expected text, got " in out
    assert "None" not in out
