"""The walk engine: every operation, its events, variables and secrets, replay."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dectree.engine.events import (
    Answered,
    CommandCopied,
    Event,
    Finished,
    FixConfirmed,
    NoteAdded,
    Proceeded,
    SearchPerformed,
    SessionOutcome,
    SessionStarted,
    TreeSwitched,
    VariableSet,
    WentBack,
    event_from_dict,
    event_to_dict,
)
from dectree.engine.session import Session, SessionState, WalkError, tree_map
from dectree.model.catalog import Catalog, load_catalog
from dectree.model.tree import Level, Tree

WALK = Path(__file__).parent / "fixtures" / "engine" / "walk"
T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def ticking(start: dt.datetime = T0, step: int = 10) -> Callable[[], dt.datetime]:
    """A clock that moves `step` seconds on every reading."""
    ticks = iter(range(0, 10**6, step))
    return lambda: start + dt.timedelta(seconds=next(ticks))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    loaded = load_catalog([str(WALK)])
    assert loaded.problems == []
    return loaded


@pytest.fixture
def session(catalog: Catalog) -> Session:
    return Session(catalog, clock=ticking(), session_id="s1")


def state_of(session: Session) -> SessionState:
    """The state, read through a call so type checkers do not narrow it across operations."""
    return session.state


def refs(session: Session) -> list[str]:
    return [step.ref for step in session.path]


def edited(
    catalog: Catalog, tree_id: str, edit: Callable[[dict[str, object]], None]
) -> dict[str, Tree]:
    """The catalog's trees with one tree changed through its dict form."""
    trees = tree_map(catalog)
    data = trees[tree_id].model_dump(mode="json", exclude_none=True)
    edit(data)
    trees[tree_id] = Tree.model_validate(data)
    return trees


# -- starting ------------------------------------------------------------------


def test_start_at_the_start_node(session: Session) -> None:
    assert state_of(session) is SessionState.not_started
    session.start("net")
    assert state_of(session) is SessionState.walking
    assert session.current.ref == "net:reach"
    assert session.current.prompt == "Does the host answer ping?"
    assert session.current.entered_at == T0
    assert [c.label for c in session.choices] == ["Yes", "No"]
    assert session.tree.id == "net"


def test_start_at_any_node_and_from_search(session: Session) -> None:
    session.start("db", "raise-limit", via_search="too many clients")
    assert session.current.ref == "db:raise-limit"
    assert session.current.prompt == "max_connections is lower than the clients need."
    assert session.query == "too many clients"
    started = session.events[0]
    assert isinstance(started, SessionStarted)
    assert (started.from_search, started.query, started.tree_version) == (
        True,
        "too many clients",
        "1.3.0",
    )


def test_start_errors(session: Session) -> None:
    with pytest.raises(WalkError, match="no tree with id 'nope'"):
        session.start("nope")
    with pytest.raises(WalkError, match="tree 'net' has no node 'ghost'"):
        session.start("net", "ghost")
    assert session.events == ()
    session.start("net")
    with pytest.raises(WalkError, match="already started"):
        session.start("net")


def test_operations_before_start_are_errors(session: Session) -> None:
    operations: list[Callable[[], None]] = [
        lambda: session.choose(0),
        session.proceed,
        session.back,
        lambda: session.note("x"),
        lambda: session.finish("abandoned"),
    ]
    for operation in operations:
        with pytest.raises(WalkError, match="not started"):
            operation()


def test_session_accepts_a_plain_mapping_of_trees(catalog: Catalog) -> None:
    session = Session(tree_map(catalog))
    session.start("db")
    assert session.current.ref == "db:pool"


# -- answering -----------------------------------------------------------------


def test_choose_by_index_and_by_label(session: Session) -> None:
    session.start("net")
    session.choose(0)
    assert session.current.ref == "net:port-open"
    first = session.path[0]
    assert (first.answer, first.choice, first.answered_at) == (
        "Yes",
        0,
        T0 + dt.timedelta(seconds=10),
    )
    assert first.elapsed == dt.timedelta(seconds=10)
    session.choose("Closed")
    assert session.current.ref == "net:firewall"
    assert session.path[1].choice == 1


def test_choose_errors_name_the_choices(session: Session) -> None:
    session.start("net")
    with pytest.raises(WalkError, match="no choice labelled 'yes'; the choices are: 'Yes', 'No'"):
        session.choose("yes")
    with pytest.raises(WalkError, match="no choice 2: the question has 2 choice"):
        session.choose(2)
    session.choose("No")
    with pytest.raises(WalkError, match="is a action, not a question"):
        session.choose(0)
    assert len(session.path) == 2


def test_action_proceeds_along_its_single_next(session: Session) -> None:
    session.start("net")
    session.choose("No")
    assert session.current.ref == "net:restart-nic"
    session.proceed()
    assert refs(session) == ["net:reach", "net:restart-nic", "net:reach"]
    assert session.path[1].answer == "Done"
    proceeded = session.events[-1]
    assert isinstance(proceeded, Proceeded) and proceeded.next_ref == "reach"


def test_proceed_on_a_question_is_an_error(session: Session) -> None:
    session.start("net")
    with pytest.raises(WalkError, match="is a question: answer it"):
        session.proceed()


# -- back and reopen -------------------------------------------------------------


def test_back_undoes_the_last_answer(session: Session) -> None:
    session.start("net")
    with pytest.raises(WalkError, match="first step"):
        session.back()
    session.choose("Yes")
    session.choose("Closed")
    session.back()
    assert refs(session) == ["net:reach", "net:port-open"]
    assert session.current.answer is None and session.current.answered_at is None
    event = session.events[-1]
    assert isinstance(event, WentBack) and (event.step, event.node_id) == (1, "port-open")
    session.choose("Open")
    assert session.current.ref == "db:pool"


def test_reopen_an_earlier_step_drops_the_later_ones(session: Session) -> None:
    session.start("net")
    session.choose("No")
    session.proceed()
    session.choose("Yes")
    session.note("ping works after restart", 2)
    session.reopen(0)
    assert refs(session) == ["net:reach"]
    assert session.current.answer is None
    session.choose("Yes")
    assert refs(session) == ["net:reach", "net:port-open"]
    with pytest.raises(WalkError, match="no step 5"):
        session.reopen(5)


# -- notes -----------------------------------------------------------------------


def test_notes_attach_to_current_or_earlier_steps(session: Session) -> None:
    session.start("net")
    session.note("host is web-01")
    session.choose("Yes")
    session.note("ping 2 ms", 0)
    session.note("nc hangs")
    assert [s.note for s in session.path] == ["ping 2 ms", "nc hangs"]
    with pytest.raises(WalkError, match="no step 7"):
        session.note("x", 7)
    notes = [e for e in session.events if isinstance(e, NoteAdded)]
    assert [(e.step, e.text) for e in notes] == [
        (0, "host is web-01"),
        (0, "ping 2 ms"),
        (1, "nc hangs"),
    ]


# -- variables -------------------------------------------------------------------


def test_unset_variables_stay_visible_and_defaults_fill(session: Session) -> None:
    session.start("net")
    session.choose("Yes")
    nc = session.commands()[0]
    assert nc.text == "nc -z {host} 5432"
    assert nc.missing == ("host",)
    assert not nc.complete


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("web-01", "ping -c1 web-01"),
        ("web 01", "ping -c1 'web 01'"),
        ("it's", "ping -c1 'it'\"'\"'s'"),
        ("$(rm -rf /)", "ping -c1 '$(rm -rf /)'"),
        ("a;b|c`d`", "ping -c1 'a;b|c`d`'"),
    ],
)
def test_values_are_shell_quoted(session: Session, value: str, shown: str) -> None:
    session.start("net")
    session.set_variable("host", value)
    assert session.commands()[0].text == shown
    event = session.events[-1]
    assert isinstance(event, VariableSet) and event.value == value and not event.secret


def test_declared_secret_is_filled_but_never_recorded(session: Session) -> None:
    seen: list[Event] = []
    session.subscribe(seen.append)
    session.start("net")
    session.choose("Yes")
    session.set_variable("host", "web-01")
    session.set_variable("token", "s3cr3t value")
    assert session.is_secret("token") and not session.is_secret("host")
    curl = session.commands()[1]
    # Inside "..." the value is escaped for double quotes, not wrapped in '...'
    # (which would put literal quote characters in the header).
    assert curl.text == 'curl -H "Authorization: Bearer s3cr3t value" https://web-01/health'
    assert curl.redacted == 'curl -H "Authorization: Bearer {token}" https://web-01/health'
    assert curl.secrets == ("token",)
    copied = session.copy_command(1)
    assert copied.text == curl.text
    recorded = json.dumps([event_to_dict(e) for e in seen])
    assert "s3cr3t" not in recorded
    secret_event = seen[-2]
    assert isinstance(secret_event, VariableSet)
    assert (secret_event.name, secret_event.secret, secret_event.value) == ("token", True, None)
    copy_event = seen[-1]
    assert isinstance(copy_event, CommandCopied)
    assert copy_event.command == curl.redacted and copy_event.index == 1


def test_variable_marked_secret_when_set(session: Session) -> None:
    session.start("net")
    session.set_variable("host", "db-primary", secret=True)
    assert session.is_secret("host")
    assert session.commands()[0].text == "ping -c1 db-primary"
    assert session.commands()[0].redacted == "ping -c1 {host}"
    event = session.events[-1]
    assert isinstance(event, VariableSet) and event.value is None and event.secret


def test_invalid_variable_name_and_command_index(session: Session) -> None:
    session.start("net")
    with pytest.raises(WalkError, match="invalid variable name 'Host'"):
        session.set_variable("Host", "x")
    with pytest.raises(WalkError, match="has 1 command"):
        session.copy_command(1)


# -- trees, conclusions, escalations -----------------------------------------------


def test_link_into_another_tree_and_back_out(session: Session) -> None:
    seen: list[Event] = []
    session.subscribe(seen.append)
    session.start("net")
    session.choose("Yes")
    session.choose("Open")
    assert session.current.ref == "db:pool"
    assert session.tree.id == "db"
    assert [s.tree_id for s in session.path] == ["net", "net", "db"]
    assert isinstance(seen[-2], Answered) and seen[-2].next_ref == "db:pool"
    switched = seen[-1]
    assert isinstance(switched, TreeSwitched)
    assert (switched.from_tree, switched.from_node, switched.to_tree, switched.to_node) == (
        "net",
        "port-open",
        "db",
        "pool",
    )
    session.back()
    assert session.current.ref == "net:port-open"
    assert session.tree.id == "net"


def test_fixed_conclusion_finishes_with_its_outcome(session: Session) -> None:
    session.start("net")
    session.choose("Yes")
    session.choose("Closed")
    session.confirm_fixed(True)
    assert state_of(session) is SessionState.finished
    assert session.outcome is SessionOutcome.resolved
    assert session.current.answer == "Fixed"
    finished = session.events[-1]
    assert isinstance(finished, Finished) and finished.node_id == "firewall"


def test_workaround_outcome(session: Session) -> None:
    session.start("db")
    session.choose("All in use")
    session.confirm_fixed(True)
    assert session.outcome is SessionOutcome.workaround


def test_not_fixed_follows_if_not_fixed_then_escalation_continues(session: Session) -> None:
    session.start("net")
    session.choose("Yes")
    session.choose("Closed")
    session.confirm_fixed(False)
    assert session.current.ref == "net:wait-l2"
    assert session.path[-2].answer == "Not fixed"
    contact = session.contact()
    assert contact is not None and contact.team == "Platform SRE"
    assert session.contact(Level.L1) is not None and session.contact(Level.L3) is None
    session.proceed()
    assert session.current.ref == "net:reach"
    assert session.path[-2].answer == "Continue"
    kinds = [type(e).__name__ for e in session.events[-3:]]
    assert kinds == ["Answered", "FixConfirmed", "Proceeded"]


def test_not_fixed_without_a_way_on_offers_contacts(session: Session) -> None:
    session.start("db")
    session.choose("All in use")
    assert session.escalation_offer == []
    session.confirm_fixed(False)
    assert state_of(session) is SessionState.awaiting_escalation
    assert [(level.value, c.team) for level, c in session.escalation_offer] == [
        ("L1", "Database on-call"),
        ("L3", "DBA team"),
    ]
    with pytest.raises(WalkError, match="did not fix it"):
        session.confirm_fixed(True)
    session.back()
    assert state_of(session) is SessionState.walking
    assert session.current.ref == "db:raise-limit" and session.current.answer is None
    session.confirm_fixed(False)
    session.finish("escalated", level=Level.L3)
    finished = session.events[-1]
    assert isinstance(finished, Finished)
    assert (finished.outcome, finished.level) == (SessionOutcome.escalated, "L3")


def test_final_escalation_finishes_escalated_at_its_level(session: Session) -> None:
    session.start("db")
    session.choose("Spare slots")
    contact = session.contact()
    assert contact is not None and contact.channel == "dba pager"
    session.proceed()
    assert session.outcome is SessionOutcome.escalated
    finished = session.events[-1]
    assert isinstance(finished, Finished) and finished.level == "L3"


def test_confirm_fixed_only_at_a_conclusion(session: Session) -> None:
    session.start("net")
    with pytest.raises(WalkError, match="not a conclusion"):
        session.confirm_fixed(True)


def test_finish_anywhere_and_nothing_after(session: Session) -> None:
    session.start("net")
    with pytest.raises(WalkError, match="unknown outcome 'done'"):
        session.finish("done")
    session.finish(SessionOutcome.abandoned)
    assert session.outcome is SessionOutcome.abandoned
    operations: list[Callable[[], None]] = [
        lambda: session.choose(0),
        session.back,
        lambda: session.reopen(0),
        lambda: session.set_variable("host", "x"),
        lambda: session.finish("resolved"),
        lambda: session.search("ping"),  # type: ignore[list-item]
    ]
    for operation in operations:
        with pytest.raises(WalkError, match="finished"):
            operation()
    session.note("gave up: maintenance window")
    assert session.current.note == "gave up: maintenance window"


# -- events ------------------------------------------------------------------------


def test_event_sequence_and_timestamps(session: Session) -> None:
    seen: list[Event] = []
    unsubscribe = session.subscribe(seen.append)
    session.start("net")
    session.set_variable("host", "web-01")
    session.choose("Yes")
    session.copy_command(0)
    session.choose("Open")
    session.choose("Spare slots")
    session.proceed()
    assert [e.type for e in seen] == [
        "started",
        "variable",
        "answered",
        "command_copied",
        "answered",
        "tree_switched",
        "answered",
        "finished",
    ]
    assert [e.seq for e in seen] == list(range(1, 9))
    assert [e.at for e in seen] == [T0 + dt.timedelta(seconds=10 * i) for i in range(8)]
    assert all(e.at.tzinfo is dt.timezone.utc for e in seen)
    assert list(session.events) == seen
    answered = seen[2]
    assert isinstance(answered, Answered)
    assert (answered.step, answered.tree_id, answered.node_id, answered.choice, answered.label) == (
        0,
        "net",
        "reach",
        0,
        "Yes",
    )
    assert answered.prompt == "Does the host answer ping?"
    unsubscribe()
    session.note("after")
    assert len(seen) == 8


def test_events_round_trip_through_json(session: Session) -> None:
    session.start("net")
    session.choose("Yes")
    for event in session.events:
        assert event_from_dict(json.loads(json.dumps(event_to_dict(event)))) == event


def test_clock_without_timezone_is_taken_as_utc(catalog: Catalog) -> None:
    naive = Session(catalog, clock=lambda: dt.datetime(2026, 1, 1, 8, 0))
    naive.start("net")
    assert naive.events[0].at == dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.timezone.utc)
    plus_two = dt.timezone(dt.timedelta(hours=2))
    local = Session(catalog, clock=lambda: dt.datetime(2026, 1, 1, 10, 0, tzinfo=plus_two))
    local.start("net")
    assert local.events[0].at == dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.timezone.utc)


def test_search_from_the_session_is_recorded(session: Session) -> None:
    hits = session.search("FATAL: sorry, too many clients already")
    assert hits[0].ref == "db:pool"
    event = session.events[-1]
    assert isinstance(event, SearchPerformed)
    assert (event.query, event.top, event.seq) == (
        "FATAL: sorry, too many clients already",
        "db:pool",
        1,
    )
    session.start(hits[0].tree_id, hits[0].node_id, via_search=event.query)
    assert session.current.ref == "db:pool" and session.query == event.query


# -- replay ----------------------------------------------------------------------


def walked(session: Session) -> Session:
    session.start("net", via_search="connection refused")
    session.set_variable("host", "web 01")
    session.set_variable("token", "hunter2")
    session.choose("No")
    session.note("eth0 was down")
    session.proceed()
    session.choose("Yes")
    session.choose("Open")
    session.choose("All in use")
    session.back()
    session.choose("All in use")
    session.confirm_fixed(True)
    return session


def test_replay_rebuilds_the_session(catalog: Catalog, session: Session) -> None:
    original = walked(session)
    recorded = [json.loads(json.dumps(event_to_dict(e))) for e in original.events]
    replay = Session.replay(recorded, catalog)
    assert replay.divergence is None
    assert replay.applied == len(recorded)
    rebuilt = replay.session
    assert rebuilt.id == "s1"
    assert rebuilt.path == original.path
    assert rebuilt.outcome is SessionOutcome.workaround
    assert rebuilt.query == "connection refused"
    assert rebuilt.variables == {"host": "web 01"}
    assert rebuilt.is_secret("token") and rebuilt.value("token") is None
    assert list(rebuilt.events) == list(original.events)


def test_replayed_session_continues_its_sequence(catalog: Catalog, session: Session) -> None:
    session.start("net")
    session.choose("Yes")
    replay = Session.replay(session.events, catalog, clock=lambda: T0 + dt.timedelta(hours=1))
    resumed = replay.session
    resumed.choose("Closed")
    assert [e.seq for e in resumed.events] == [1, 2, 3]
    assert resumed.events[-1].at == T0 + dt.timedelta(hours=1)
    assert resumed.current.ref == "net:firewall"


def test_replay_stops_where_a_node_no_longer_exists(catalog: Catalog, session: Session) -> None:
    walked(session)

    def drop_restart(data: dict[str, object]) -> None:
        nodes = data["nodes"]
        assert isinstance(nodes, dict)
        del nodes["restart-nic"]
        reach = nodes["reach"]
        reach["choices"][1]["next"] = "port-open"

    trees = edited(catalog, "net", drop_restart)
    replay = Session.replay(session.events, trees)
    divergence = replay.divergence
    assert divergence is not None
    assert divergence.step == 0
    assert (divergence.tree_id, divergence.node_id) == ("net", "reach")
    assert "now leads to 'port-open', not 'restart-nic'" in divergence.reason
    assert replay.applied == 3  # started, two variables
    assert [s.ref for s in replay.session.path] == ["net:reach"]
    assert replay.session.current.answer is None
    assert "step 0 at 'net:reach'" in str(divergence)


def test_replay_reports_a_missing_node_mid_walk(catalog: Catalog, session: Session) -> None:
    walked(session)

    def drop_pool(data: dict[str, object]) -> None:
        nodes = data["nodes"]
        assert isinstance(nodes, dict)
        nodes["pool"] = nodes.pop("raise-limit")
        data["start"] = "pool"

    trees = edited(catalog, "db", drop_pool)
    replay = Session.replay(session.events, trees)
    divergence = replay.divergence
    assert divergence is not None
    assert (divergence.step, divergence.node_id) == (4, "pool")
    assert "is a conclusion, not a question" in divergence.reason
    assert replay.session.current.ref == "db:pool"


def test_replay_reports_a_changed_label(catalog: Catalog, session: Session) -> None:
    session.start("net")
    session.choose("Yes")

    def rename(data: dict[str, object]) -> None:
        nodes = data["nodes"]
        assert isinstance(nodes, dict)
        nodes["reach"]["choices"][0]["label"] = "Answers ping"

    replay = Session.replay(session.events, edited(catalog, "net", rename))
    assert replay.divergence is not None
    assert "is now 'Answers ping', not 'Yes'" in replay.divergence.reason


def test_replay_of_a_missing_tree_and_bad_events(catalog: Catalog, session: Session) -> None:
    session.start("db")
    trees = tree_map(catalog)
    del trees["db"]
    replay = Session.replay(session.events, trees)
    assert replay.divergence is not None and replay.applied == 0
    assert replay.divergence.reason == "no tree with id 'db'"

    events = [event_to_dict(e) for e in session.events]
    malformed = Session.replay([*events, {"type": "answered", "seq": 2}], catalog)
    assert malformed.applied == 1
    assert malformed.divergence is not None
    assert malformed.divergence.reason.startswith("malformed event")

    again = Session.replay([*events, *events], catalog)
    assert again.divergence is not None
    assert again.divergence.reason == "event 1 is out of order (after 1)"


def test_replay_keeps_original_timestamps(catalog: Catalog, session: Session) -> None:
    session.start("net")
    session.choose("Yes")
    replay = Session.replay(session.events, catalog, clock=lambda: T0 + dt.timedelta(days=1))
    assert replay.session.path[0].answered_at == T0 + dt.timedelta(seconds=10)
    assert replay.session.path[1].entered_at == T0 + dt.timedelta(seconds=10)


def test_fix_confirmed_event_records_the_way_on(session: Session) -> None:
    session.start("net", "firewall")
    session.confirm_fixed(False)
    event = session.events[-1]
    assert isinstance(event, FixConfirmed)
    assert (event.fixed, event.next_ref) == (False, "wait-l2")


def test_prose_is_filled_without_shell_quoting(session: Session) -> None:
    session.start("net")
    session.set_variable("host", "web 01")
    filled = session.fill("Look for {host} in the output of {port}", shell=False)
    assert filled.text == "Look for web 01 in the output of 5432"
    assert session.fill("ping {host}").text == "ping 'web 01'"


def test_shell_syntax_braces_are_not_placeholders(session: Session) -> None:
    session.start("net")
    session.set_variable("host", "web-01")
    filled = session.fill("curl -w '%{http_code}' ${HOME} {{host}} {host}")
    assert filled.text == "curl -w '%{http_code}' ${HOME} {{host}} web-01"


def test_jump_from_a_search_keeps_the_path_and_replays(session: Session, catalog: Catalog) -> None:
    session.start("net")
    session.choose("Yes")
    session.jump("db", "pool", query="too many clients already")
    assert refs(session) == ["net:reach", "net:port-open", "db:pool"]
    assert session.path[1].answer == "Searched: too many clients already"
    kinds = [e.type for e in session.events]
    assert kinds[-2:] == ["jumped", "tree_switched"]
    replayed = Session.replay(session.events, catalog)
    assert replayed.divergence is None
    assert refs(replayed.session) == refs(session)
    with pytest.raises(WalkError, match="no node 'db:nowhere'"):
        session.jump("db", "nowhere", query="x")


def test_jump_back_out_returns_to_the_step_before_the_search(session: Session) -> None:
    session.start("net")
    session.choose("Yes")
    session.jump("db", "pool", query="pool exhausted")
    session.back()
    assert session.current.ref == "net:port-open" and session.current.answer is None


def test_unset_variable_shows_the_placeholder_again(session: Session) -> None:
    session.start("net")
    session.set_variable("host", "web-01")
    session.unset_variable("host")
    assert "host" not in session.variables
    assert (
        session.value("host") is None
        or session.value("host") == session.tree.variables["host"].default
    )
    replayed = Session.replay(session.events, session.trees)
    assert "host" not in replayed.session.variables
