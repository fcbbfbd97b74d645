"""Every input of the YAML test suite through `dectree validate`: exit 0 or 1, positioned messages.

The corpus (402 inputs, valid and invalid YAML) is vendored in this repository
under `tests/corpora/yaml-test-suite/` (MIT, see its `LICENSE` and `ORIGIN.md`),
so a fresh clone runs it with nothing beside it. If it is missing, the test
fails and says where it looked; it never skips.

None of the inputs is a tree, so each ends with exit 1 and problems, never
exit 2 (usage) and never a traceback. Every problem line names the file and a
1-based line and column inside it. Inputs the suite marks invalid are refused
while reading (codes DT001-DT010), except the few that libyaml itself accepts.
Where the fast block-style reader reads an input at all, it agrees with libyaml.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dectree.cli import main
from tests.unit.test_property import assert_block_reader_agrees

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpora" / "yaml-test-suite"
CASES = sorted(CORPUS.rglob("in.yaml")) if CORPUS.is_dir() else []

# Invalid YAML that libyaml 0.2.5 parses anyway (known gaps of libyaml, not of
# dectree): these reach schema validation and fail there instead.
LIBYAML_ACCEPTS = {"9C9N", "DK95/01", "QB6E", "S98Z", "SU5Z", "X4QW"}

LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (error|warning|info) (?P<code>DT\d{3}) \S.*$"
)


def case_id(path: Path) -> str:
    return str(path.parent.relative_to(CORPUS))


def test_the_corpus_is_there() -> None:
    assert CORPUS.is_dir(), (
        f"YAML test suite not found at {CORPUS}: it is vendored in the repository "
        "(tests/corpora/yaml-test-suite); restore it from git"
    )
    assert len(CASES) >= 400, f"only {len(CASES)} inputs under {CORPUS}"


@pytest.mark.parametrize("path", CASES, ids=[case_id(p) for p in CASES])
def test_every_input_ends_with_positioned_problems(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["validate", "--no-cache", "--quiet", str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 1), out + err
    assert err == "", err
    assert "Traceback" not in out
    lines = out.splitlines()
    if code == 1:
        assert lines, "exit 1 without a problem"
    text_lines = path.read_bytes().count(b"\n") + 1
    codes = set()
    for line in lines:
        match = LINE.match(line)
        assert match, f"not a positioned problem: {line!r}"
        assert match["path"] == str(path)
        assert 1 <= int(match["line"]) <= text_lines + 1, line
        assert int(match["col"]) >= 1, line
        codes.add(match["code"])
    assert_block_reader_agrees(
        path.read_bytes()
    )  # the fast reader reads it as libyaml does, or not at all
    invalid = (path.parent / "error").exists()
    if invalid and case_id(path) not in LIBYAML_ACCEPTS:
        assert codes and all(c < "DT100" for c in codes), (
            f"invalid YAML must be refused while reading: {sorted(codes)}"
        )
