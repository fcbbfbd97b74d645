"""The MCP server under hostile calls: every bad input is a clear tool error, nothing
reported is dropped, nothing claimed recorded that is not on disk, and no client can
exhaust the server's file descriptors.

Calls go through `dectree.mcp.server.call_tool`, the server's own dispatcher (argument
validation, the `Walks` call, the result as the client gets it), in process;
`test_mcp.py` drives the real server over stdio.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dectree.mcp.server import call_tool
from dectree.mcp.walks import Walks
from dectree.model.catalog import Catalog, load_catalog

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
