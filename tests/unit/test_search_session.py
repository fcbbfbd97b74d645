"""Walks entered from search and parked walks: the events, replay, and the transcripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dectree.engine.events import Parked, SearchPerformed, Unparked
from dectree.engine.search import SearchIndex, entry
from dectree.engine.session import Session, WalkError
from dectree.model.catalog import Catalog
from dectree.records.export import render_json, render_markdown
from dectree.records.reader import read_journal
from dectree.records.transcribe import build_transcript
from tests.unit.records_support import recorded_session, records_catalog


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return records_catalog()


def start_from(session: Session, query: str) -> None:
    trees = session.trees
    hits = SearchIndex(trees).search(query)
    start = entry(trees, hits)
    assert start is not None, query
    session.start_from_search(query, start, len(hits))


def test_a_search_start_records_the_entry_and_suggests_the_answer(catalog: Catalog) -> None:
    session = Session(catalog)
    start_from(session, "firewall drops the port")
    assert session.current.ref == "net:port-open"
    assert session.suggestion == 1  # "Closed" leads to the firewall
    search = [e for e in session.events if isinstance(e, SearchPerformed)]
    assert len(search) == 1
    event = search[0]
    assert (event.entry, event.hit, event.strength) == ("net:port-open", "net:firewall", "strong")
    assert (event.suggested, event.suggested_label, event.field) == (1, "Closed", "title")
    assert session.events[0].from_search  # SessionStarted
    session.choose("Open")
    assert session.suggestion is None  # only at the step search entered
    session.back()
    assert session.suggestion == 1


def test_a_suggestion_goes_when_its_step_is_dropped(catalog: Catalog) -> None:
    session = Session(catalog)
    session.start("net")
    session.choose(0)  # -> port-open
    trees = session.trees
    hits = SearchIndex(trees).search("firewall drops the port")
    start = entry(trees, hits)
    assert start is not None
    session.jump_from_search("firewall drops the port", start, len(hits))
    assert session.step_index == 2 and session.suggestion == 1
    session.reopen(0)
    assert session.suggestion is None


def test_search_entry_events_are_checked_on_replay(catalog: Catalog) -> None:
    session = Session(catalog)
    start_from(session, "firewall drops the port")
    events = [e.model_dump(mode="json") for e in session.events]
    replay = Session.replay(events, catalog)
    assert replay.divergence is None
    assert replay.session.suggestion == 1
    events[-1]["suggested"] = 7  # a choice the question does not have
    replay = Session.replay(events, catalog)
    assert replay.divergence is not None
    assert "no choice 7" in replay.divergence.reason


def test_parking_is_recorded_and_replayed(catalog: Catalog) -> None:
    session = Session(catalog)
    session.start("net")
    session.park()
    session.park()  # parking a parked walk records nothing more
    assert session.parked
    assert [type(e) for e in session.events].count(Parked) == 1
    replay = Session.replay([e.model_dump(mode="json") for e in session.events], catalog)
    assert replay.divergence is None and replay.session.parked
    session.unpark()
    assert not session.parked
    assert isinstance(session.events[-1], Unparked)
    session.choose(0)
    session.finish("abandoned")
    with pytest.raises(WalkError):
        session.park()


def test_unpark_without_park_is_refused_on_replay(catalog: Catalog) -> None:
    session = Session(catalog)
    session.start("net")
    events = [e.model_dump(mode="json") for e in session.events]
    events.append({"type": "unparked", "seq": 2, "at": events[0]["at"], "step": 0,
                   "tree_id": "net", "node_id": "reach"})
    replay = Session.replay(events, catalog)
    assert replay.divergence is not None and "not parked" in replay.divergence.reason


def test_transcripts_say_which_search_started_the_walk(tmp_path: Path, catalog: Catalog) -> None:
    session, journal = recorded_session(tmp_path, catalog)
    start_from(session, "firewall drops the port")
    session.choose("Closed")
    assert journal.path is not None
    transcript = build_transcript(read_journal(journal.path))
    [search] = transcript.searches
    assert search.started and search.entry == "net:port-open"
    assert search.entry_title == "Is the port open"
    assert (search.hit, search.strength, search.suggested) == ("net:firewall", "strong", "Closed")
    markdown = render_markdown(transcript)
    row = next(line for line in markdown.splitlines() if "Started from search" in line)
    assert "`firewall drops the port` → Is the port open" in row
    assert "words in title `Firewall drops the port`" in row
    assert "suggested answer `Closed`" in row
    data = json.loads(render_json(transcript))
    assert data["searches"][0]["entry"] == "net:port-open"
    assert data["searches"][0]["started"] is True


def test_a_search_during_the_walk_is_in_the_history(tmp_path: Path, catalog: Catalog) -> None:
    session, journal = recorded_session(tmp_path, catalog)
    session.start("net")
    trees = session.trees
    hits = SearchIndex(trees).search("too many clients already")
    start = entry(trees, hits)
    assert start is not None
    session.jump_from_search("too many clients already", start, len(hits))
    assert journal.path is not None
    markdown = render_markdown(build_transcript(read_journal(journal.path)))
    assert "Started from search" not in markdown
    line = next(line for line in markdown.splitlines() if line.startswith("- ") and "Searched" in line)
    assert "`too many clients already`" in line and "→ Connection slots exhausted" in line


def test_parking_is_in_the_transcripts_in_the_order_it_happened(
    tmp_path: Path, catalog: Catalog
) -> None:
    session, journal = recorded_session(tmp_path, catalog)
    session.start("net")
    session.choose(0)
    session.park()
    session.unpark()
    session.back()
    session.park()
    assert journal.path is not None
    transcript = build_transcript(read_journal(journal.path))
    assert [(p.kind, p.step) for p in transcript.pauses] == [
        ("parked", 2), ("unparked", 2), ("parked", 1)
    ]
    history = [
        line for line in render_markdown(transcript).split("## How the walk went", 1)[1].splitlines()
        if line.startswith("- ")
    ]
    kinds = [
        next(k for k in ("Parked", "Taken up again", "Went back") if k in line) for line in history
    ]
    assert kinds == ["Parked", "Taken up again", "Went back", "Parked"]
    assert "Parked at step 2 (`net:" in history[0]
    assert "after " in history[1]  # how long it was parked
    data = json.loads(render_json(transcript))
    assert [p["kind"] for p in data["pauses"]] == ["parked", "unparked", "parked"]
