"""Search: exact symptoms first, then rare words, then typos; fast on big catalogs."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from dectree.engine.search import Entry, SearchIndex, normalise, tokens
from dectree.engine.session import tree_map
from dectree.model.catalog import load_catalog
from dectree.model.tree import Tree

WALK = Path(__file__).parent / "fixtures" / "engine" / "walk"
REVIEW = {"last_updated": "2026-01-01", "updated_by": "t", "next_review": "2027-01-01"}


def tree(tree_id: str, nodes: dict[str, dict[str, Any]], **extra: Any) -> Tree:
    """A minimal valid tree of conclusions and questions."""
    full: dict[str, dict[str, Any]] = {}
    for node_id, fields in nodes.items():
        if "prompt" in fields:
            full[node_id] = {"kind": "question", **fields}
        else:
            full[node_id] = {
                "kind": "conclusion",
                "outcome": "resolved",
                "root_cause": "unknown",
                "resolution": [{"do": "fix"}],
                **fields,
            }
    return Tree.model_validate(
        {
            "id": tree_id,
            "title": extra.pop("title", f"Tree {tree_id}"),
            "version": "1",
            "purpose": "p",
            "scope": "s",
            "review": REVIEW,
            "start": next(iter(nodes)),
            "nodes": full,
            **extra,
        }
    )


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(tree_map(load_catalog([str(WALK)])))


@pytest.fixture(scope="module")
def ranked() -> SearchIndex:
    trees = [
        tree(
            "pg",
            {
                "slots": {
                    "title": "Connection slots",
                    "symptoms": ["FATAL: sorry, too many clients already"],
                },
                "pooler": {
                    "title": "Pooler saturated",
                    "root_cause": "too many clients for pgbouncer",
                },
                "lock": {"title": "Lock wait", "root_cause": "a long transaction holds a lock"},
            },
        ),
        tree(
            "web",
            {
                "gateway": {"title": "Bad gateway", "symptoms": ["502 Bad Gateway"]},
                "clients": {"title": "Client errors", "root_cause": "clients send bad requests"},
            },
        ),
    ]
    return SearchIndex({t.id: t for t in trees})


def test_normalise_and_tokens() -> None:
    assert normalise("  FATAL:\tsorry,\n too  many ") == "fatal: sorry, too many"
    assert tokens("psql: FATAL 53300") == ["psql", "fatal", "53300"]


def test_pasted_log_line_containing_a_symptom_is_an_exact_hit(index: SearchIndex) -> None:
    line = (
        'psql: error: connection to server at "10.0.0.5", port 5432 failed: '
        "FATAL:  sorry, too many clients already"
    )
    hits = index.search(line)
    assert hits[0].ref == "db:pool"
    assert (hits[0].kind, hits[0].field) == ("exact", "symptoms")
    assert hits[0].text == "FATAL: sorry, too many clients already"
    assert 3 <= hits[0].score < 4
    assert all(h.kind != "exact" for h in hits[1:])


def test_exact_match_ignores_case_and_whitespace(index: SearchIndex) -> None:
    hits = index.search("REMAINING   connection slots are\treserved for superuser")
    assert (hits[0].ref, hits[0].kind) == ("db:pool", "exact")


def test_query_inside_a_symptom_is_exact(index: SearchIndex) -> None:
    hits = index.search("too many cli")
    assert (hits[0].ref, hits[0].kind) == ("db:pool", "exact")


def test_tree_symptoms_lead_to_the_start_node(index: SearchIndex) -> None:
    hits = index.search("curl: (7) Failed to connect: Connection refused")
    assert hits[0].ref == "net:reach"
    assert (hits[0].kind, hits[0].field) == ("exact", "tree.symptoms")
    assert hits[0].title == "Can you reach the host"


def test_words_found_anywhere_in_a_node(index: SearchIndex) -> None:
    hits = index.search("firewall port")
    assert hits[0].ref == "net:firewall"
    assert hits[0].kind == "words"
    assert 2 <= hits[0].score < 3


def test_typos_match_through_trigrams(index: SearchIndex) -> None:
    hits = index.search("firewal")
    assert hits[0].ref == "net:firewall"
    assert hits[0].kind == "fuzzy"
    assert 1 <= hits[0].score < 2
    assert index.search("max_conections")[0].ref == "db:raise-limit"


def test_exact_beats_words_beats_fuzzy(ranked: SearchIndex) -> None:
    hits = ranked.search("FATAL: sorry, too many clients already; gatway down")
    kinds = [h.kind for h in hits]
    assert kinds[0] == "exact" and hits[0].ref == "pg:slots"
    assert "words" in kinds and "fuzzy" in kinds
    assert kinds == sorted(kinds, key=["exact", "words", "fuzzy"].index)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert next(h for h in hits if h.kind == "fuzzy").ref == "web:gateway"


def test_rare_words_weigh_more_than_common_ones(ranked: SearchIndex) -> None:
    # "clients" is in three nodes, "pgbouncer" in one.
    hits = ranked.search("clients pgbouncer")
    assert hits[0].ref == "pg:pooler"
    assert hits[0].score > hits[1].score


def test_symptom_and_title_weigh_more_than_prompt() -> None:
    trees = {
        "a": tree("a", {"x": {"root_cause": "the kernel oom killer struck"}}),
        "b": tree("b", {"y": {"title": "OOM killer", "root_cause": "memory"}}),
    }
    hits = SearchIndex(trees).search("oom killer")
    assert [h.ref for h in hits] == ["b:y", "a:x"]
    assert hits[0].field == "title"


def test_empty_queries_limits_and_stop_words(index: SearchIndex) -> None:
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("ping", limit=0) == []
    assert len(index.search("the host", limit=1)) == 1
    assert index.search("the")  # only stop words: they are searched after all
    assert index.search("zzzzqqq") == []


def test_one_hit_per_node_with_its_best_match(index: SearchIndex) -> None:
    hits = index.search("FATAL: sorry, too many clients already (connection slots)")
    assert len({h.ref for h in hits}) == len(hits)
    assert hits[0].ref == "db:pool" and hits[0].kind == "exact"


def test_search_over_100k_nodes_finds_the_right_node() -> None:
    rng = random.Random(7)
    vocab = [f"w{i}x" for i in range(40_000)]
    common = ["error", "failed", "connection", "timeout", "refused"]
    entries = [
        Entry(
            f"t{n // 1000}",
            f"n{n}",
            f"node {n}",
            (("symptoms", f"{rng.choice(vocab)} {rng.choice(common)} {rng.choice(vocab)}"),),
        )
        for n in range(100_000)
    ]
    big = SearchIndex.from_entries(entries)
    assert len(big) == 100_000
    queries = [
        "connection timeout error failed refused",
        "error",
        f"psql: {entries[500].fields[0][1]} (code 53300)",
        "conection timout",
        "w123x w4567x",
    ]
    # Speed is measured by bench/, never asserted here: machines are shared and noisy.
    for query in queries:
        assert big.search(query), query
    assert big.search(queries[2])[0].ref == "t0:n500"
