"""The MCP server starts walks from search through the same entry rule as the app, and records it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dectree.engine.events import SearchPerformed
from dectree.mcp.walks import ToolFailure, Walks
from dectree.model.catalog import load_catalog

WALK = Path(__file__).parent / "fixtures" / "engine" / "walk"


def test_search_has_strengths_and_the_entry_is_the_deciding_question(tmp_path: Path) -> None:
    walks = Walks(load_catalog([str(WALK)]), tmp_path)
    found = walks.search("firewall port")
    assert found.hits[0].node == "firewall"
    assert found.hits[0].kind == "conclusion" and found.hits[0].strength == "strong"
    assert found.entry is not None
    assert (found.entry.node, found.entry.kind, found.entry.strength) == (
        "port-open",
        "question",
        "strong",
    )


def test_start_from_a_query_journals_the_entry(tmp_path: Path) -> None:
    walks = Walks(load_catalog([str(WALK)]), tmp_path)
    walks.start(query="firewall port")
    [walk] = walks.walks.values()
    session = walk.session
    assert session.current.ref == "net:port-open"
    assert session.suggestion == 1
    [search] = [e for e in session.events if isinstance(e, SearchPerformed)]
    assert (search.entry, search.hit, search.suggested_label) == (
        "net:port-open",
        "net:firewall",
        "Closed",
    )


def test_nothing_clear_to_start_at_is_a_tool_failure(tmp_path: Path) -> None:
    walks = Walks(load_catalog([str(WALK)]), tmp_path)
    with pytest.raises(ToolFailure, match="clearly"):
        walks.start(query="zzzz qqqq")
