"""Hostile text and numbers from tree files and journals, generated, through the real commands.

Each class of hostile input found by a tester is a generator here, crossed with
every place the input reaches, so a new surface or a new payload is one entry:

- terminal escapes (OSC 0 window title, OSC 52 clipboard, CSI 2J clear screen,
  C1 CSI, BEL, CR, bidi overrides, zero-width characters, line separators) in
  tree titles, scenario names, file names and journal fields, through `list`,
  `test`, `validate`, `sessions`, `stats`, `resume --show` and `export`: what
  reaches the terminal holds none of them (`dectree.text.plain.clean` shows them
  as escapes);
- file names that would forge GitHub workflow commands (`validate --format github`);
- integers too long to print, anywhere in a tree, in any base: DT011 with a position;
- line breaks other than LF in Markdown fields: every renderer copes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dectree.cli import main
from dectree.text.plain import clean, is_unsafe
from tests.unit import test_property
from tests.unit.records_support import recorded_session, records_catalog, walk_to_escalation

BASE = test_property.BASE  # tests/fixtures/valid/disk.yaml as read by dectree (YAML 1.2)

PAYLOADS = {
    "osc0-title": "\x1b]0;PWNED\x07",
    "osc52-clipboard": "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07",
    "csi-clear": "\x1b[2J\x1b[H",
    "c1-csi": "\x9b2J",
    "bel-cr": "\x07\rfake prompt$ ",
    "bidi-override": "safe\u202etxt.exe",
    "bidi-isolate": "\u2066admin\u2069",
    "zero-width": "ro\u200bot\u200d\ufeff",
    "line-separator": "a\u2028b\u2029c\x85d",
    "del-and-nul-free-c0": "\x01\x7f\x1f",
}


def terminal_safe(text: str) -> list[str]:
    """The characters in `text` that must not reach a terminal (line breaks and tabs aside)."""
    return [c for c in text if c not in "\n\t" and is_unsafe(c)]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def write_tree(folder: Path, change: Callable[[dict], None], name: str = "disk.yaml") -> Path:
    data = json.loads(json.dumps(BASE, default=str))
    change(data)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=False, sort_keys=False))
    return path


# -- the cleaning function itself ---------------------------------------------------


@settings(max_examples=500, derandomize=True, database=None)
@given(st.text())
def test_clean_leaves_nothing_unsafe_and_is_stable(text: str) -> None:
    once = clean(text)
    assert terminal_safe(once) == [] and "\n" not in once
    assert clean(once) == once
    assert terminal_safe(clean(text, newlines=True)) == []


@settings(max_examples=300, derandomize=True, database=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"])))
def test_clean_keeps_safe_text_as_it_is(text: str) -> None:
    assert clean(text) == text


def test_clean_shows_what_it_replaced() -> None:
    assert clean("a\x1b]0;t\x07b") == "a\\x1b]0;t\\x07b"
    assert clean("x\u202ey") == "x\\u202ey"
    assert clean("l1\nl2", newlines=True) == "l1\nl2"
    assert clean("l1\nl2") == "l1\\x0al2"
    assert clean("\ud800") == "\\ud800"


# -- tree text through the commands -------------------------------------------------


def _title(data: dict, payload: str) -> None:
    data["title"] = f"Disk {payload} full"


def _scenario(data: dict, payload: str) -> None:
    data["scenarios"][0]["name"] = f"log {payload} held"


TREE_SURFACES: dict[str, tuple[Callable[[dict, str], None], list[str]]] = {
    "list: tree title": (_title, ["list"]),
    "test: scenario name": (_scenario, ["test"]),
    "render: tree title on stdout": (_title, ["render", "--format", "markdown"]),
}


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize("surface", sorted(TREE_SURFACES))
def test_tree_text_reaches_the_terminal_clean(
    surface: str, payload: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    change, argv = TREE_SURFACES[surface]
    path = write_tree(tmp_path, lambda d: change(d, PAYLOADS[payload]))
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    code, shown = run(capsys, *argv, str(path))
    assert code in (0, 1), shown
    assert terminal_safe(shown) == [], shown


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_file_names_reach_the_terminal_clean(
    payload: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = PAYLOADS[payload].replace("\x00", "") + ".yaml"
    path = tmp_path / name
    path.write_text("id: t\ntitle: [unclosed\n")
    for argv in (["validate", "--no-cache"], ["list"], ["test"], ["render", "--format", "dot"]):
        code, shown = run(capsys, *argv, str(path))
        assert code in (1, 2), (argv, shown)
        assert terminal_safe(shown) == [], (argv, shown)


# -- GitHub workflow commands ---------------------------------------------------------

FORGING_NAMES = [
    "y,line=99\n::warning::INJECTED.yaml",
    "a:b,c%0A::error::x.yaml",
    "50%,title=DT000.yaml",
    "cr\rline.yaml",
    "esc\x1b[2J.yaml",
]


def _unescape_property(text: str) -> str:
    return (text.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n")
            .replace("%0D", "\r").replace("%25", "%"))


@pytest.mark.parametrize("name", FORGING_NAMES, ids=range(len(FORGING_NAMES)))
def test_github_annotations_cannot_be_forged_by_file_names(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_text("id: t\ntitle: [unclosed\n")
    code = main(["validate", "--no-cache", "--format", "github", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 1, lines  # one problem, one command: no second command forged
    match = re.fullmatch(r"::error (?P<props>[^:]*)::(?P<message>.*)", lines[0])
    assert match, lines[0]
    props = dict(part.split("=", 1) for part in match["props"].split(","))
    assert sorted(props) == ["col", "file", "line", "title"]
    assert props["line"].isdigit() and props["title"] == "DT001"
    # The name survives escaping, apart from the terminal controls `clean` shows.
    expected = "".join(c if c in "\r\n" else clean(c) for c in str(path))
    assert _unescape_property(props["file"]) == expected
    assert terminal_safe(out) == []


# -- numbers too long to print --------------------------------------------------------

HUGE_NUMBERS = {
    "decimal-5000": "9" * 5000,
    "negative-4400": "-" + "1" * 4400,
    "hex-50000": "0x" + "f" * 50_000,
    "plus-3000": "+" + "7" * 3000,
}


def _at_version(data: dict, number: str) -> None:
    data["version"] = number


def _at_prompt(data: dict, number: str) -> None:
    data["nodes"]["which-mount"]["prompt"] = number


def _at_choice(data: dict, number: str) -> None:
    data["nodes"]["which-mount"]["choices"][0]["label"] = number


def _at_variable(data: dict, number: str) -> None:
    data["variables"]["host"]["example"] = number


def _at_unknown_key(data: dict, number: str) -> None:
    data["x_custom"] = number


NUMBER_PLACES = {
    "version": _at_version,
    "prompt": _at_prompt,
    "choice label": _at_choice,
    "variable example": _at_variable,
    "unknown key": _at_unknown_key,
}


@pytest.mark.parametrize("number", sorted(HUGE_NUMBERS))
@pytest.mark.parametrize("place", sorted(NUMBER_PLACES))
def test_huge_integers_are_refused_with_a_position(
    place: str, number: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = "REPLACE-ME-WITH-THE-NUMBER"
    path = write_tree(tmp_path, lambda d: NUMBER_PLACES[place](d, marker))
    text = path.read_text()
    line = next(n for n, row in enumerate(text.splitlines(), 1) if marker in row)
    path.write_text(text.replace(marker, HUGE_NUMBERS[number]))
    code, out = run(capsys, "validate", "--no-cache", str(path))
    assert code == 1
    assert re.search(rf"disk\.yaml:{line}:\d+: error DT011 integer of [\d,]+ digits", out), out
    for argv in (["list"], ["test"], ["render", "--format", "mermaid"]):
        code, shown = run(capsys, *argv, str(path))
        assert code == 1 and "DT011" in shown and "Traceback" not in shown, (argv, shown)


# -- line breaks other than LF --------------------------------------------------------

BREAKS = {"lone-cr": "\r", "crlf": "\r\n", "nel": "\x85", "line-sep": "\u2028", "para": "\u2029"}
MARKDOWN_FIELDS = {
    "detail": lambda d, t: d["nodes"]["which-mount"].__setitem__("detail", t),
    "root cause": lambda d, t: d["nodes"]["restart-holder"].__setitem__("root_cause", t),
    "purpose": lambda d, t: d.__setitem__("purpose", t),
    "resolution step": lambda d, t: d["nodes"]["many-files"]["resolution"][0].__setitem__("do", t),
}


@pytest.mark.parametrize("brk", sorted(BREAKS))
@pytest.mark.parametrize("field", sorted(MARKDOWN_FIELDS))
@pytest.mark.parametrize("fmt", ["markdown", "mermaid", "dot"])
def test_any_line_break_renders(
    fmt: str, field: str, brk: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"a{BREAKS[brk]}b\n# H{BREAKS[brk]}```"
    path = write_tree(tmp_path, lambda d: MARKDOWN_FIELDS[field](d, text))
    code, shown = run(capsys, "render", "--format", fmt, str(path))
    assert code == 0, shown
    assert "\r" not in shown and "\u2028" not in shown


# -- journal fields through the records commands ---------------------------------------


def hostile_journal(directory: Path, payload: str) -> Path:
    """A real recorded walk whose header carries `payload` in every free-text field."""
    session, journal = recorded_session(directory, records_catalog())
    walk_to_escalation(session)
    assert journal.path is not None
    lines = journal.path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    header.update(
        tree_version=f"1.0{payload}", incident=f"INC{payload}", engineer=f"eve{payload}",
        host=f"h{payload}",
    )
    lines[0] = json.dumps(header)
    journal.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return journal.path


RECORD_COMMANDS = {
    "sessions": ["sessions"],
    "stats": ["stats"],
    "resume --show": ["resume", "--last", "--show", "-t", "TREES"],
    "export md": ["export", "--last", "--format", "md"],
}


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize("command", sorted(RECORD_COMMANDS))
def test_journal_text_reaches_the_terminal_clean(
    command: str, payload: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.unit.records_support import TREES

    hostile_journal(tmp_path, PAYLOADS[payload])
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    argv = [str(TREES) if a == "TREES" else a for a in RECORD_COMMANDS[command]]
    code, shown = run(capsys, *argv, "--sessions-dir", str(tmp_path))
    assert code == 0, shown
    assert terminal_safe(shown) == [], shown


# -- documents written to files (read later with cat) -----------------------------------

CONTROL_PAYLOADS = sorted(k for k in PAYLOADS if any(
    (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in PAYLOADS[k]))


def controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


@pytest.mark.parametrize("payload", CONTROL_PAYLOADS)
@pytest.mark.parametrize("fmt", ["markdown", "mermaid", "dot"])
def test_rendered_files_hold_no_terminal_controls(
    fmt: str, payload: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def change(data: dict) -> None:
        _title(data, PAYLOADS[payload])
        data["nodes"]["which-mount"]["detail"] = f"see {PAYLOADS[payload]} here"

    path = write_tree(tmp_path / "trees", change)
    out = tmp_path / "out.txt"
    code, shown = run(capsys, "render", "--format", fmt, "-o", str(out), str(path))
    assert code == 0, shown
    assert controls(out.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("payload", CONTROL_PAYLOADS)
def test_exported_transcripts_hold_no_terminal_controls(
    payload: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session, _journal = recorded_session(tmp_path / "s", records_catalog())
    session.start("net")
    session.note(f"saw {PAYLOADS[payload]} on the console")
    out = tmp_path / "record.md"
    code, shown = run(capsys, "export", "--last", "--sessions-dir", str(tmp_path / "s"),
                      "-o", str(out))
    assert code == 0, shown
    text = out.read_text(encoding="utf-8")
    assert "on the console" in text and controls(text) == []


# -- `--format json`: the same data, nothing unsafe on the wire ---------------------------


def _node_title(data: dict, payload: str) -> None:
    data["nodes"]["which-mount"]["title"] = f"Which filesystem {payload} is full"


JSON_TREE_SURFACES: dict[str, tuple[Callable[[dict, str], None], list[str]]] = {
    "list: tree title": (_title, ["list", "--format", "json"]),
    "test: scenario name": (_scenario, ["test", "--format", "json"]),
    "search: node title": (_node_title, ["search", "--format", "json"]),
}


def json_strings(value: object) -> list[str]:
    """Every string in parsed JSON, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *json_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize("surface", sorted(JSON_TREE_SURFACES))
def test_json_output_escapes_what_a_terminal_would_act_on(
    surface: str, payload: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change, argv = JSON_TREE_SURFACES[surface]
    path = write_tree(tmp_path, lambda d: change(d, PAYLOADS[payload]))
    query = ["filesystem " + PAYLOADS[payload]] if argv[0] == "search" else []
    code = main([*argv, str(path), *query])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    assert terminal_safe(out) == [], out  # C1 and bidi too, which json.dumps leaves alone
    text = "".join(json_strings(json.loads(out)))
    kept = [c for c in PAYLOADS[payload] if c not in "\r\u2028\u2029\x85"]  # line breaks: \n
    assert all(c in text for c in kept), out  # the same data, escaped


JSON_RECORD_COMMANDS = {
    "sessions": ["sessions", "--format", "json"],
    "stats": ["stats", "--format", "json"],
    "export": ["export", "--last", "--format", "json"],
}


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize("command", sorted(JSON_RECORD_COMMANDS))
def test_journal_text_in_json_output_is_escaped(
    command: str, payload: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile_journal(tmp_path, PAYLOADS[payload])
    code = main([*JSON_RECORD_COMMANDS[command], "--sessions-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert terminal_safe(out) == [], out
    data = json.loads(out)
    if command != "stats":  # stats counts, it quotes no free text
        assert f"INC{PAYLOADS[payload]}" in json_strings(data)


def test_json_escapes_stand_for_the_same_characters() -> None:
    from dectree.text.plain import json_safe

    text = "a\x9b\u202e\u2066\u200b\U000e0001\ud800\u2028b\tc\nd"
    escaped = json_safe(json.dumps({"k": text, text: [text]}, ensure_ascii=False, indent=2))
    assert terminal_safe(escaped) == []
    assert "\\u009b" in escaped and "\\udb40\\udc01" in escaped
    assert json.loads(escaped) == {"k": text, text: [text]}
