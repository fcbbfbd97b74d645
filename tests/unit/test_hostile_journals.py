"""Hostile and corrupt journals through every records command, generated.

A real recorded walk is damaged in one place at a time (a header field of the
wrong type, an event field of the wrong type or range, 100,000 nested brackets,
a lone surrogate, a line that is not JSON), then `sessions`, `stats`, `export`
(Markdown and JSON) and `resume --show` run on it. None may crash. A damaged
line after the header is named as `path:line` and skipped, and the session is
still listed and exported from the lines that are left; a header that cannot
be read makes the journal unreadable, named as `path:1`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dectree.cli import main
from dectree.records.paths import journal_files
from dectree.records.reader import JournalError, read_journal
from tests.unit.records_support import (
    TREES,
    recorded_session,
    records_catalog,
    walk_to_escalation,
)

Rows = list[str]


def recorded(directory: Path) -> Path:
    session, journal = recorded_session(directory, records_catalog())
    walk_to_escalation(session)
    assert journal.path is not None
    return journal.path


def _edit(kind: str, change: Callable[[dict[str, Any]], None]) -> Callable[[Rows], int]:
    """Change the first line of type `kind` (its JSON); return its 1-based number."""

    def apply(rows: Rows) -> int:
        for i, row in enumerate(rows):
            obj = json.loads(row)
            if obj.get("type") == kind:
                change(obj)
                rows[i] = json.dumps(obj, ensure_ascii=True)
                return i + 1
        raise AssertionError(f"no {kind} line")

    return apply


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda obj: obj.__setitem__(key, value)


def _replace_line(number: int, text: str) -> Callable[[Rows], int]:
    def apply(rows: Rows) -> int:
        rows[number - 1] = text
        return number

    return apply


def _torn_tail(text: str) -> Callable[[Rows], int]:
    def apply(rows: Rows) -> int:
        rows.append(text)
        return len(rows)

    return apply


DEEP = "[" * 100_000

# name -> (damage, whether the header is what is damaged)
LINE_DAMAGE: dict[str, Callable[[Rows], int]] = {
    "finished outcome is a list": _edit("finished", _set("outcome", ["x"])),
    "finished outcome is unknown": _edit("finished", _set("outcome", "exploded")),
    "back step is negative": _edit("back", _set("step", -5)),
    "back step is text": _edit("back", _set("step", "two")),
    "back step is a boolean": _edit("back", _set("step", True)),
    "event time is a number": _edit("answered", _set("at", 7)),
    "event time has no time zone": _edit("answered", _set("at", "2026-12-06T14:48:15")),
    "event time near year 1, east of UTC": _edit("answered", _set("at", "0001-01-01T00:00:00+14:00")),
    "event time near year 9999, west of UTC": _edit("back", _set("at", "9999-12-31T23:59:59-14:00")),
    "note time has no time zone": _edit("note", _set("at", "2026-12-06T14:48:15.5")),
    "event seq is text": _edit("answered", _set("seq", "3")),
    "note is a lone surrogate": _edit("note", _set("text", "\ud800")),
    "node title is a number": _edit("node", _set("title", 12345)),
    "tree title is a list": _edit("tree", _set("title", ["t"])),
    "unknown line type": _replace_line(3, '{"type": "mystery"}'),
    "not JSON": _replace_line(3, "{not json"),
    "not an object": _replace_line(3, "[1, 2]"),
    "100,000 nested brackets": _replace_line(3, DEEP),
    "100,000 nested brackets in an object": _replace_line(3, '{"a":' * 100_000),
}
TAIL_DAMAGE: dict[str, Callable[[Rows], int]] = {
    "torn last line of 100,000 brackets": _torn_tail(DEEP),
    "torn last line with a lone surrogate": _torn_tail('{"seq": 99, "text": "\\ud800'),
}
HEADER_DAMAGE: dict[str, Callable[[Rows], int]] = {
    "incident is a number": _edit("header", _set("incident", 12345)),
    "session id is a list": _edit("header", _set("session_id", ["a"])),
    "tree id is an object": _edit("header", _set("tree_id", {"a": 1})),
    "start time is missing": _edit("header", lambda h: h.pop("started_at")),
    "start time near year 1, east of UTC": _edit("header", _set("started_at", "0001-01-01T00:00:00+14:00")),
    "start time near year 9999, west of UTC": _edit("header", _set("started_at", "9999-12-31T23:59:59-14:00")),
    "start time has no time zone": _edit("header", _set("started_at", "2026-12-06T14:48:15")),
    "header is 100,000 brackets": _replace_line(1, DEEP),
}


def damaged(directory: Path, damage: Callable[[Rows], int], *, newline: bool = True) -> tuple[Path, int]:
    path = recorded(directory)
    rows = path.read_text(encoding="utf-8").splitlines()
    line = damage(rows)
    path.write_text("\n".join(rows) + ("\n" if newline else ""), encoding="utf-8")
    return path, line


COMMANDS = {
    "sessions": ["sessions"],
    "sessions json": ["sessions", "--format", "json"],
    "stats": ["stats"],
    "stats json": ["stats", "--format", "json"],
    "export md": ["export", "--last", "--format", "md"],
    "export json": ["export", "--last", "--format", "json"],
    "resume --show": ["resume", "--last", "--show", "-t", str(TREES)],
}


def run(capsys: pytest.CaptureFixture[str], directory: Path, argv: list[str]) -> tuple[int, str, str]:
    code = main([*argv, "--sessions-dir", str(directory)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("damage", sorted(LINE_DAMAGE))
def test_a_damaged_line_is_named_and_the_session_kept(
    damage: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, line = damaged(tmp_path, LINE_DAMAGE[damage])
    code, out, err = run(capsys, tmp_path, COMMANDS[command])
    assert code == 0, err
    assert f"{path}:{line}: warning: " in err, err
    if command == "sessions":
        assert "(damaged)" in out and "INC-42" in out
    elif command == "sessions json":
        (row,) = json.loads(out)
        assert row["damaged_lines"] == [line]
    elif command == "stats json":
        result = json.loads(out)
        assert result["sessions"] == 1 and result["damaged_journals"] == 1
    elif command == "export md":
        assert f"The journal is damaged: line(s) {line} could not be read" in out
        assert "INC-42" in out and "## Steps" in out  # the walk that is left is there
    elif command == "export json":
        transcript = json.loads(out)
        assert transcript["damaged_lines"] == [line] and transcript["steps"]
    elif command == "resume --show":
        assert out.startswith("session ")


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("damage", sorted(TAIL_DAMAGE))
def test_a_torn_hostile_last_line_is_dropped(
    damage: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged(tmp_path, TAIL_DAMAGE[damage], newline=False)
    code, _out, err = run(capsys, tmp_path, COMMANDS[command])
    assert code == 0, err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("damage", sorted(HEADER_DAMAGE))
def test_an_unreadable_header_is_named_never_a_crash(
    damage: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = damaged(tmp_path, HEADER_DAMAGE[damage])
    code, _out, err = run(capsys, tmp_path, COMMANDS[command])
    assert re.search(rf"^{re.escape(str(path))}:1: ", err, re.M), err
    if command.startswith(("sessions", "stats")):
        assert code == 0  # listed as unreadable, the others go on
    else:
        assert code == 2


def test_a_symlinked_journal_is_one_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = recorded(tmp_path)
    (tmp_path / ("zz-link" + path.suffix)).symlink_to(path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / path.name).symlink_to(path)
    assert journal_files(tmp_path) == [path]
    code, out, _ = run(capsys, tmp_path, ["stats", "--format", "json"])
    assert code == 0 and json.loads(out)["sessions"] == 1
    code, out, _ = run(capsys, tmp_path, ["sessions", "--format", "json"])
    assert [row["path"] for row in json.loads(out)] == [str(path)]


@pytest.mark.parametrize(
    "started_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-12-06T14:48:15"]
)
@pytest.mark.parametrize(
    "argv",
    [["sessions"], ["sessions", "--format", "json"], ["stats", "--since", "2020-01-01"]],
)
def test_a_journal_with_a_bad_start_time_never_hides_the_others(
    started_at: str, argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad, _ = damaged(tmp_path, _edit("header", _set("started_at", started_at)))
    (tmp_path / "bad.jsonl").write_bytes(bad.read_bytes())  # keep it beside a good one
    bad.unlink()
    recorded(tmp_path)
    code, out, err = run(capsys, tmp_path, argv)
    assert code == 0, err
    assert err.startswith(f"{tmp_path / 'bad.jsonl'}:1: ")
    assert ("1970 and 9000" in err) != ("no time zone" in err)
    assert "Traceback" not in err
    if argv == ["sessions"]:
        assert "INC-42" in out
    elif argv[-1] == "json":
        assert len(json.loads(out)) == 1
    else:
        assert out.startswith("1 sessions") or "1 session" in out


def test_a_journal_that_is_a_fifo_is_named_never_waited_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    fifo = tmp_path / "20260101T000000Z-feed.jsonl"
    os.mkfifo(fifo)  # a plain read would block until a writer came
    with pytest.raises(JournalError, match=r":0: not a regular file \(a FIFO\)$"):
        read_journal(fifo)
    code, _out, err = run(capsys, tmp_path, ["export", str(fifo)])
    assert code == 2 and err.startswith(f"dectree: error: {fifo}: "), err
