"""Ranking rules that mutation testing found unguarded (kept apart from test_search.py,
which issue 11 is changing): more query words found rank higher, stop words do not
decide, and a node's best field is the one reported."""

from __future__ import annotations

from dectree.engine.search import SearchIndex
from tests.unit.test_search import tree


def test_a_node_holding_more_of_the_query_ranks_higher() -> None:
    # Same field, same rarity per word: only how many words are found tells them apart.
    nodes = {
        "both": {"root_cause": "pgbouncer pool exhausted"},
        "one": {"root_cause": "pgbouncer restarted"},
        "other": {"root_cause": "pool resized"},
        "filler": {"root_cause": "disk full"},
    }
    hits = SearchIndex({"pg": tree("pg", nodes)}).search("pgbouncer pool")
    scores = {h.ref: h.score for h in hits}
    assert hits[0].ref == "pg:both"
    assert scores["pg:both"] > scores["pg:one"] and scores["pg:both"] > scores["pg:other"]


def test_stop_words_do_not_decide_the_ranking() -> None:
    nodes = {
        "stop": {"root_cause": "the service is down and the host is up"},
        "word": {"root_cause": "pgbouncer refused"},
    }
    hits = SearchIndex({"pg": tree("pg", nodes)}).search("the pgbouncer")
    assert [h.ref for h in hits] == ["pg:word"]
