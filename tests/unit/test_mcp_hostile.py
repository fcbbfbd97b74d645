"""The MCP server under hostile calls: every bad input is a clear tool error, nothing
reported is dropped, nothing claimed recorded that is not on disk, and no client can
exhaust the server's file descriptors.

Calls go through `dectree.mcp.server.call_tool`, the server's own dispatcher (argument
validation, the `Walks` call, the result as the client gets it), in process;
`test_mcp.py` drives the real server over stdio.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

from dectree.mcp.server import call_tool
from dectree.mcp.walks import Walks
from dectree.model.catalog import Catalog, load_catalog
from dectree.records.reader import read_journal

ROOT = Path(__file__).resolve().parents[2]
TREES = ROOT / "trees"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog([str(TREES)])


@pytest.fixture
def walks(catalog: Catalog, tmp_path: Path) -> Walks:
    return Walks(catalog, tmp_path / "sessions")


def ok(walks: Walks, tool: str, **args: Any) -> dict[str, Any]:
    result = call_tool(walks, tool, args, None)
    assert not result.is_error, f"{tool}({args}) failed: {result.content}"
    assert result.structured_content is not None
    return result.structured_content


def fails(walks: Walks, tool: str, **args: Any) -> str:
    result = call_tool(walks, tool, args, None)
    assert result.is_error, f"{tool}({args}) should have failed: {result.content}"
    [block] = result.content
    text = getattr(block, "text", "")
    assert "inside dectree" not in text, text  # not the catch-all for bugs
    assert "pydantic" not in text and "http" not in text, text
    return text


# -- answers that are not numbers int() takes ------------------------------------


@pytest.mark.parametrize(
    "choice",
    ["²", "٣", "1" * 4301, "9" * 5000, "0" * 40 + "1", "-1", "+1", " 1_0 ", "1e3", "Ⅳ"],
)
def test_an_answer_no_number_or_label_matches_is_a_clear_tool_error(
    walks: Walks, caplog: pytest.LogCaptureFixture, choice: str
) -> None:
    step = ok(walks, "start", tree="database")
    n = len(step["answers"])
    message = fails(walks, "answer", session=step["session"], choice=choice)
    assert f"choose 1-{n}" in message and step["answers"][0]["label"] in message
    assert len(message) < 4000  # a long choice is not quoted back whole
    assert caplog.records == []  # nothing logged: a client's mistake is not a bug
    assert ok(walks, "step", session=step["session"])["node"] == step["node"]


def test_answers_by_number_as_text_or_integer_and_by_label_still_work(walks: Walks) -> None:
    step = ok(walks, "start", tree="database")
    session = step["session"]
    for choice in (" 1 ", 1, step["answers"][0]["label"].upper()):
        moved = ok(walks, "answer", session=session, choice=choice)
        assert moved["step"] == 2
        ok(walks, "back", session=session)


# -- arguments the schema refuses ------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "args", "expected"),
    [
        ("answer", {"session": "s", "choice": 1.5},
         "choice: got 1.5, a fraction; give text or a whole number (the answer's number"),
        ("answer", {"session": "s", "choice": [1, 2]}, "choice: got a list; give text or a whole number"),
        ("answer", {"session": "s", "choice": None}, "choice: got null; give text or a whole number"),
        ("answer", {"session": "s"}, "choice: missing; give text or a whole number (the answer's"),
        ("answer", {}, "session: missing; give text (the session id start returned); choice: missing"),
        ("search", {"query": "x", "limit": 0}, "limit: got 0; give a whole number from 1 to 50"),
        ("search", {"query": "x", "limit": 51}, "limit: got 51; give a whole number from 1 to 50"),
        ("search", {"query": "x", "limit": "lots"}, "limit: got the text 'lots'; give a whole number"),
        ("report_output", {"session": "s", "check": 1e300, "output": "y"},
         "check: got a number; give a whole number (the check's number: checks[].number, or "),
        ("report_output", {"session": "s", "check": 1, "output": "y", "exit_code": 10**30},
         "exit_code: got a number far out of range; give a whole number from -2147483648 to 4294967295, "
         "or leave it out (its exit status)"),
        ("finish", {"session": "s", "fixed": "maybe"}, "fixed: got the text 'maybe'; give true or false"),
        ("start", {"tree": "database", "variables": {"namespace": 5}},
         "variables.namespace: got 5; give text"),
        ("start", {"tree": 7}, "tree: got 7; give text, or leave it out (tree id, from trees)"),
    ],
)
def test_arguments_the_schema_refuses_say_which_what_was_sent_and_what_is_allowed(
    walks: Walks, tool: str, args: dict[str, Any], expected: str
) -> None:
    message = fails(walks, tool, **args)
    assert message.startswith(f"bad arguments for {tool}: "), message
    assert expected in message, message
    assert "Input should" not in message and "Field required" not in message


def test_a_refused_argument_is_not_echoed_back(walks: Walks) -> None:
    message = fails(walks, "answer", session="s", choice={"x": "a secret pasted by mistake"})
    assert "secret" not in message and "choice: got an object" in message
    long_text = fails(walks, "search", query="x", limit="x" * 500)
    assert "x" * 30 not in long_text and "limit: got text;" in long_text


def test_text_that_looks_like_json_stays_text(walks: Walks) -> None:
    """Some clients send objects as JSON text, so such arguments are parsed; a text
    argument never is: a pasted JSON log line is a query, an incident id is an id."""
    line = '{"level":"error","msg":"FATAL: sorry, too many clients already"}'
    started = ok(walks, "start", query=line, incident="[INC-123]")
    assert started["session"] and "database" in json.dumps(started)
    walk = next(iter(walks.walks.values()))
    assert walk.recorder.incident == "[INC-123]"
    # objects sent as JSON text are still read as objects
    ok(walks, "start", tree="database", variables='{"namespace": "prod"}')


# -- a walk replayed on changed trees keeps its id ---------------------------------------


def stop(walks: Walks) -> None:
    """What a server's exit does to its journals: every file closed, every lock released."""
    for walk in walks.walks.values():
        for journal in walk.recorder.journals.values():
            if journal.file is not None:
                journal.file.close()


def test_a_walk_that_no_longer_replays_whole_keeps_its_id_before_and_after_a_restart(
    tmp_path: Path,
) -> None:
    trees = tmp_path / "trees"
    trees.mkdir()
    fixtures = ROOT / "tests" / "unit" / "fixtures" / "records"
    for name in ("net.yaml", "db.yaml"):
        (trees / name).write_text((fixtures / name).read_text())
    sessions = tmp_path / "sessions"
    first = Walks(load_catalog([str(trees)]), sessions)
    session = first.start(tree="net").session
    assert first.answer(session, "No").node == "restart-nic"
    stop(first)
    # the node the walk stands on is renamed: the replay stops before it
    text = (trees / "net.yaml").read_text()
    (trees / "net.yaml").write_text(text.replace("restart-nic", "restart-host"))
    changed = load_catalog([str(trees)])
    assert not changed.problems

    second = Walks(changed, sessions)
    resumed = ok(second, "step", session=session)
    assert resumed["session"] == session and resumed["node"] == "reach"
    assert ok(second, "answer", session=session, choice="No")["node"] == "restart-host"
    assert ok(second, "step", session=session[:6])["session"] == session  # a prefix: the same walk
    assert list(second.walks) == [session]
    stop(second)

    third = Walks(changed, sessions)  # another restart
    again = ok(third, "step", session=session)
    assert (again["session"], again["node"], again["step"]) == (session, "restart-host", 2)
    [journal] = sessions.glob("*.jsonl")
    assert session in journal.name


def test_a_prefix_of_a_walk_this_server_holds_is_that_walk(walks: Walks) -> None:
    session = ok(walks, "start", tree="database")["session"]
    moved = ok(walks, "answer", session=session[:6], choice=1)
    assert moved["session"] == session and moved["step"] == 2
    assert "open in another dectree" not in json.dumps(moved)
    # two walks sharing the prefix: the caller is asked for the whole id
    other = ok(walks, "start", tree="database")["session"]
    walks.walks[session[:6] + other[6:]] = walks.walks.pop(other)
    assert "ambiguous" in fails(walks, "step", session=session[:6])


# -- nothing reported is dropped ---------------------------------------------------------


def conclusion_with_commands(catalog: Catalog) -> tuple[str, str, int]:
    """A shipped conclusion whose resolution runs at least two commands, and a step without one."""
    for tree_id, loaded in sorted(catalog.trees.items()):
        for node_id, node in loaded.tree.nodes.items():
            steps = getattr(node, "resolution", None) or []
            runs = [s for s in steps if s.run]
            if node.kind == "conclusion" and len(runs) >= 2 and len(runs) < len(steps):
                return tree_id, node_id, len(runs)
    raise AssertionError("no shipped conclusion runs two commands and has a step without one")


def test_notes_and_reported_runs_on_a_conclusion_are_all_kept_in_order(
    walks: Walks, catalog: Catalog
) -> None:
    tree, node, runs = conclusion_with_commands(catalog)
    step = ok(walks, "start", tree=tree, node=node)
    session = step["session"]
    numbers = [r.get("check") for r in step["conclusion"]["resolution"]]
    assert [n for n in numbers if n is not None] == list(range(1, runs + 1))
    assert None in [r.get("check") for r in step["conclusion"]["resolution"] if "command" not in r]
    ok(walks, "note", session=session, text="IMPORTANT-NOTE: the customer said X")
    first = ok(walks, "report_output", session=session, check=1, output="OUTPUT-ONE", exit_code=0)
    second = ok(walks, "report_output", session=session, check=runs, output="OUTPUT-TWO", exit_code=3)
    assert first["recorded"] and second["recorded"]
    ok(walks, "note", session=session, text="LAST-NOTE")
    ok(walks, "finish", session=session, fixed=True)
    markdown = ok(walks, "export", session=session, format="md")["text"]
    found = [markdown.find(k) for k in ("IMPORTANT-NOTE", "OUTPUT-ONE", "exit 3", "OUTPUT-TWO", "LAST-NOTE")]
    assert -1 not in found and found == sorted(found), found
    # the journal alone says the same (a restarted server exports from it)
    stop(walks)
    again = Walks(catalog, walks.directory)
    exported = ok(again, "export", session=session, format="json")["text"]
    assert all(k in exported for k in ("IMPORTANT-NOTE", "OUTPUT-ONE", "OUTPUT-TWO", "LAST-NOTE"))


def test_notes_on_a_question_add_up_and_a_note_over_the_limit_is_refused_whole(
    walks: Walks, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dectree.mcp.walks as walks_module

    session = ok(walks, "start", tree="database")["session"]
    ok(walks, "note", session=session, text="first")
    ok(walks, "note", session=session, text="second")
    assert walks.walks[session].session.current.note == "first\n\nsecond"
    monkeypatch.setattr(walks_module, "NOTE_LIMIT", 64)
    message = fails(walks, "note", session=session, text="x" * 80)
    assert message.startswith("not recorded:") and "shorten it" in message
    assert walks.walks[session].session.current.note == "first\n\nsecond"


# -- never "recorded" when it is not on disk ---------------------------------------------


def events_on_disk(directory: Path, session: str) -> list[str]:
    [path] = [p for p in directory.glob("*.jsonl") if session in p.name]
    return [e.type for e in read_journal(path).events]


def test_a_full_disk_is_reported_on_every_call_until_the_events_are_written(
    walks: Walks, monkeypatch: pytest.MonkeyPatch
) -> None:
    step = ok(walks, "start", tree="database")
    session = step["session"]
    assert "not_recorded" not in step
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data)[:5])  # a few bytes land, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    reported = ok(walks, "report_output", session=session, check=1, output="OUTPUT-ONE", exit_code=0)
    assert reported["recorded"] is False
    assert reported["not_recorded"].startswith("NOT RECORDED: 1 event(s)")
    assert "No space left on device" in reported["not_recorded"]
    assert next(iter(reported)) == "not_recorded"  # the first thing the model reads
    moved = ok(walks, "answer", session=session, choice=1)
    assert moved["step"] == 2 and "NOT RECORDED: 2 event(s)" in moved["not_recorded"]
    assert "NOT RECORDED: 2" in ok(walks, "step", session=session)["not_recorded"]
    exported = ok(walks, "export", session=session, format="md")
    assert "OUTPUT-ONE" in exported["text"] and "NOT RECORDED" in exported["not_recorded"]
    assert events_on_disk(walks.directory, session) == ["started"]

    monkeypatch.setattr(os, "write", real_write)  # space returns: the next call writes them
    again = ok(walks, "step", session=session)
    assert "not_recorded" not in again and again["step"] == 2
    assert events_on_disk(walks.directory, session) == ["started", "check_ran", "answered"]
    assert "not_recorded" not in ok(walks, "note", session=session, text="on disk")


def test_a_journal_that_cannot_be_created_is_reported_from_the_start(
    catalog: Catalog, tmp_path: Path
) -> None:
    blocked = tmp_path / "sessions"
    blocked.write_text("a file where the directory should be")
    walks = Walks(catalog, blocked)
    step = ok(walks, "start", tree="database")
    assert step["not_recorded"].startswith("NOT RECORDED: 1 event(s)")
    reported = ok(walks, "report_output", session=step["session"], check=1, output="x")
    assert reported["recorded"] is False
    blocked.unlink()
    assert "not_recorded" not in ok(walks, "step", session=step["session"])
    assert events_on_disk(blocked, step["session"]) == ["started", "check_ran"]


# -- file descriptors ------------------------------------------------------------------------


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts /proc/self/fd")
def test_unfinished_walks_hold_at_most_max_open_journals_and_every_walk_goes_on(
    catalog: Catalog, tmp_path: Path
) -> None:
    walks = Walks(catalog, tmp_path / "sessions", max_open=4)
    before = open_fds()
    sessions = [ok(walks, "start", tree="database", incident=f"INC-{i}")["session"] for i in range(12)]
    assert open_fds() - before <= 4
    assert len(list((tmp_path / "sessions").glob("*.jsonl"))) == 12
    # the walks closed to make room come back from their journals, where they stood
    for session in sessions:
        moved = ok(walks, "answer", session=session, choice=1)
        assert moved["session"] == session and moved["step"] == 2
        assert "not_recorded" not in moved
        assert open_fds() - before <= 4
    for session in sessions:
        assert events_on_disk(walks.directory, session)[-1] == "answered"
        assert "INC-" in ok(walks, "export", session=session, format="md")["text"]
    # finished walks hold no journal open
    for session in sessions:
        ok(walks, "finish", session=session, fixed=True)
    assert open_fds() - before == 0


def test_walks_with_events_only_in_memory_are_never_closed_and_more_are_refused_clearly(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    walks = Walks(catalog, tmp_path / "sessions", max_open=3)

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    held = [ok(walks, "start", tree="database")["session"] for _ in range(3)]
    message = fails(walks, "start", tree="database")
    assert "holds 3 unfinished walks whose events are not all on disk" in message
    assert set(held) <= set(walks.walks)


def test_a_system_error_in_a_tool_is_a_tool_error_and_the_server_goes_on(
    walks: Walks, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = ok(walks, "start", tree="database")["session"]
    [journal] = walks.directory.glob("*.jsonl")

    def no_descriptors(*args: object, **kwargs: object) -> object:
        raise OSError(errno.EMFILE, "Too many open files", str(journal))

    import dectree.records.reader as reader

    monkeypatch.setattr(reader, "read_journal", no_descriptors)
    message = fails(walks, "export", session=session, format="md")
    assert message == "cannot export: the journal cannot be read now: Too many open files"
    monkeypatch.setattr(Walks, "trees", no_descriptors)
    message = fails(walks, "trees")
    assert message.startswith("trees could not be done: Too many open files")
    monkeypatch.undo()
    assert ok(walks, "step", session=session)["session"] == session


def test_a_lower_cap_closes_as_many_walks_as_it_takes(catalog: Catalog, tmp_path: Path) -> None:
    walks = Walks(catalog, tmp_path / "sessions", max_open=8)
    sessions = [ok(walks, "start", tree="database")["session"] for _ in range(8)]
    walks.max_open = 2  # e.g. a server told to hold fewer: one start closes seven
    ok(walks, "start", tree="database")
    assert sum(w.holds_journal for w in walks.walks.values()) == 2
    assert all(ok(walks, "step", session=s)["session"] == s for s in sessions)
