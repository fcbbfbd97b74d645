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
