"""Search: exact symptoms first, then words by BM25F with a strength; where Enter starts."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from dectree.engine.search import Entry, SearchIndex, deciding_question, entry, normalise
from dectree.engine.session import tree_map
from dectree.engine.terms import field_terms, query_slots
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


def test_normalise() -> None:
    assert normalise("  FATAL:\tsorry,\n too  many ") == "fatal: sorry, too many"


def test_identifiers_stay_whole_and_are_split() -> None:
    terms = field_terms("Set NO_PROXY; the Mcp-Session-Id header; x509: bad; max_connections")
    for term in ("no_proxy", "proxi", "mcp-session-id", "mcp", "session", "x509", "max_connections"):
        assert term in terms, term


def test_numbers_keep_their_units() -> None:
    assert "5s" in field_terms("5 s delays")
    assert "5s" in field_terms("a 5s delay")
    assert "5s" in field_terms("five: 5 seconds")
    assert "90s" in field_terms("after 90s")
    assert "137" in field_terms("exit code 137")


def test_words_are_stemmed_and_have_synonyms() -> None:
    assert {"hang"} <= set(field_terms("hangs")) & set(field_terms("hanging"))
    assert "throttl" in field_terms("throttled") and "throttl" in field_terms("throttle")
    # a description in other words reaches the same group term
    assert "~slow" in field_terms("p99 latency") and "~slow" in field_terms("sluggish")
    assert "~diskfull" in field_terms("No space left on device")
    assert "~unauthorized" in field_terms("HTTP 401")


def test_a_thing_said_to_be_fine_is_left_out_of_the_query() -> None:
    words = [slot.word for slot in query_slots("checkout got slow after the deploy, cpu looks fine")]
    assert "cpu" not in words and "fine" not in words
    assert "slow" in words and "checkout" in words
    assert "cpu" in [slot.word for slot in query_slots("cpu is high, disk is fine")]


def test_pasted_log_line_containing_a_symptom_is_an_exact_hit(index: SearchIndex) -> None:
    line = (
        'psql: error: connection to server at "10.0.0.5", port 5432 failed: '
        "FATAL:  sorry, too many clients already"
    )
    hits = index.search(line)
    assert hits[0].ref == "db:pool"
    assert (hits[0].strength, hits[0].field, hits[0].kind) == ("exact", "symptoms", "question")
    assert hits[0].text == "FATAL: sorry, too many clients already"
    assert 0 < hits[0].share < 1
    assert all(h.strength != "exact" for h in hits[1:])


def test_exact_match_ignores_case_and_whitespace(index: SearchIndex) -> None:
    hits = index.search("REMAINING   connection slots are\treserved for superuser")
    assert (hits[0].ref, hits[0].strength) == ("db:pool", "exact")


def test_query_inside_a_symptom_is_exact_when_it_is_most_of_it(index: SearchIndex) -> None:
    hits = index.search("sorry, too many clients")
    assert (hits[0].ref, hits[0].strength) == ("db:pool", "exact")
    assert hits[0].share >= 0.5


def test_a_fragment_of_a_symptom_is_not_exact(index: SearchIndex) -> None:
    """A phrase that is a small part of a symptom ("timed out" inside "Read timed
    out") says too little to open a step at once: found, but not exact."""
    for fragment in ("too many cli", "too many clients", "sorry, too"):
        hits = index.search(fragment)
        assert hits[0].ref == "db:pool", fragment
        assert hits[0].strength != "exact", fragment


def test_tree_symptoms_lead_to_the_start_node(index: SearchIndex) -> None:
    hits = index.search("curl: (7) Failed to connect: Connection refused")
    assert hits[0].ref == "net:reach"
    assert (hits[0].strength, hits[0].field) == ("exact", "tree.symptoms")
    assert hits[0].title == "Can you reach the host"


def test_distinctive_words_in_a_title_are_strong(index: SearchIndex) -> None:
    hits = index.search("firewall port")
    assert hits[0].ref == "net:firewall"
    assert (hits[0].strength, hits[0].kind) == ("strong", "conclusion")


def test_words_only_in_long_prose_are_weak() -> None:
    trees = {
        "a": tree("a", {"x": {"title": "Disk", "root_cause": "the kernel oom killer struck"}}),
        "b": tree("b", {"y": {"title": "Network"}}),
    }
    hits = SearchIndex(trees).search("oom killer")
    assert hits[0].ref == "a:x" and hits[0].strength == "weak"
    assert hits[0].field == "root_cause"


def test_typos_match_through_trigrams_and_are_weak(index: SearchIndex) -> None:
    hits = index.search("firewal")
    assert hits[0].ref == "net:firewall"
    assert hits[0].strength == "weak"
    assert index.search("max_conections")[0].ref == "db:raise-limit"


def test_exact_ranks_above_words(ranked: SearchIndex) -> None:
    hits = ranked.search("FATAL: sorry, too many clients already; gatway down")
    assert hits[0].ref == "pg:slots" and hits[0].strength == "exact"
    assert all(h.strength != "exact" for h in hits[1:])
    assert "web:gateway" in [h.ref for h in hits]  # the typo still finds it
    rest = [h.score for h in hits[1:]]
    assert rest == sorted(rest, reverse=True)


def test_rare_words_weigh_more_than_common_ones() -> None:
    # Each node holds one of the two words, in the same field: only rarity tells
    # them apart. "clients" is in three nodes, "pgbouncer" in one.
    nodes = {
        "pooler": {"root_cause": "pgbouncer restarted"},
        "app": {"root_cause": "clients retry"},
        "web": {"root_cause": "clients time out"},
        "api": {"root_cause": "clients disconnect"},
    }
    hits = SearchIndex({"pg": tree("pg", nodes)}).search("clients pgbouncer")
    scores = {h.ref: h.score for h in hits}
    assert hits[0].ref == "pg:pooler"
    assert all(scores["pg:pooler"] > scores[f"pg:{n}"] for n in ("app", "web", "api"))


def test_symptom_and_title_weigh_more_than_root_cause() -> None:
    trees = {
        "a": tree("a", {"x": {"root_cause": "the kernel oom killer struck"}}),
        "b": tree("b", {"y": {"title": "OOM killer", "root_cause": "memory"}}),
    }
    hits = SearchIndex(trees).search("oom killer")
    assert [h.ref for h in hits] == ["b:y", "a:x"]
    assert hits[0].field == "title"


def test_choice_labels_are_searched_with_the_node_they_lead_to(index: SearchIndex) -> None:
    hits = index.search("spare slots")
    assert hits[0].ref == "db:escalate-dba" and hits[0].field == "choice"


def test_empty_queries_limits_and_stop_words(index: SearchIndex) -> None:
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("ping", limit=0) == []
    assert len(index.search("the host", limit=1)) == 1
    assert index.search("the") == []  # nothing worth showing
    assert index.search("zzzzqqq") == []


def test_one_hit_per_node_with_its_best_match(index: SearchIndex) -> None:
    hits = index.search("FATAL: sorry, too many clients already (connection slots)")
    assert len({h.ref for h in hits}) == len(hits)
    assert hits[0].ref == "db:pool" and hits[0].strength == "exact"


# -- where Enter starts ---------------------------------------------------------


@pytest.fixture(scope="module")
def walk_trees() -> dict[str, Tree]:
    return tree_map(load_catalog([str(WALK)]))


def test_a_conclusion_is_entered_at_the_question_that_decides_it(
    index: SearchIndex, walk_trees: dict[str, Tree]
) -> None:
    hits = index.search("firewall port")
    start = entry(walk_trees, hits)
    assert start is not None
    assert (start.ref, start.strength, start.target) == ("net:port-open", "strong", "firewall")
    assert start.choice == 1  # "Closed", the answer that leads to the firewall
    assert start.hit is not None and start.hit.ref == "net:firewall"


def test_a_question_hit_is_entered_where_it_is(
    index: SearchIndex, walk_trees: dict[str, Tree]
) -> None:
    start = entry(walk_trees, index.search("FATAL: sorry, too many clients already"))
    assert start is not None
    assert (start.ref, start.strength, start.target, start.choice) == ("db:pool", "exact", None, None)
    assert "too many clients" in start.why


def test_an_escalation_behind_an_action_is_decided_by_the_question_before_it() -> None:
    trees = {
        "t": tree(
            "t",
            {
                "q": {"prompt": "Which?", "choices": [{"label": "A", "next": "act"}, {"label": "B", "next": "done"}]},
                "act": {"kind": "action", "prompt": "Do it", "next": "end"},
                "done": {"title": "Done"},
                "end": {"title": "Mystery ending", "symptoms": ["zebra stampede"]},
            },
        )
    }
    assert deciding_question(trees["t"], "end") == ("q", 0)
    assert deciding_question(trees["t"], "done") == ("q", 1)
    assert deciding_question(trees["t"], "q") is None
    start = entry(trees, SearchIndex(trees).search("zebra stampede"))
    assert start is not None and (start.ref, start.choice, start.target) == ("t:q", 0, "end")


def test_a_weak_hit_starts_at_the_first_question_of_its_tree(walk_trees: dict[str, Tree]) -> None:
    index = SearchIndex(walk_trees)
    hits = index.search("firewal")  # a typo: weak
    start = entry(walk_trees, hits)
    assert start is not None
    assert (start.ref, start.strength, start.hit, start.choice) == ("net:reach", "weak", None, None)


def test_nothing_to_start_at(index: SearchIndex, walk_trees: dict[str, Tree]) -> None:
    assert entry(walk_trees, []) is None
    assert entry(walk_trees, index.search("zzzzqqq")) is None


def test_weak_hits_split_between_trees_start_nowhere() -> None:
    trees = {
        "a": tree("a", {"x": {"title": "Alpha", "root_cause": "gremlins in the wiring"}}, title="Tree"),
        "b": tree("b", {"y": {"title": "Gamma", "root_cause": "gremlins in the wiring"}}, title="Tree"),
    }
    hits = SearchIndex(trees).search("gremlins wiring")
    assert {h.strength for h in hits} == {"weak"}
    assert entry(trees, hits) is None


def test_an_exact_symptom_in_several_trees_defers_to_the_other_words() -> None:
    trees = {
        "net": tree(
            "net",
            {"refused": {"title": "Port closed", "symptoms": ["Connection refused"], "root_cause": "tcp listener gone"}},
        ),
        "db": tree(
            "db",
            {"down": {"title": "Database down", "symptoms": ["Connection refused"], "root_cause": "postgres stopped"}},
        ),
        "mcp": tree("mcp", {"srv": {"title": "MCP server crashed", "root_cause": "the mcp server died"}}),
    }
    index = SearchIndex(trees)
    # The words point to a tree without the symptom: its first question, weak.
    start = entry(trees, index.search("remote mcp server crashed: Connection refused"))
    assert start is not None
    assert (start.tree_id, start.node_id, start.strength) == ("mcp", "srv", "weak")
    # Among the trees that have it, the other words choose: not the first tree by id.
    start = entry(trees, index.search("tcp listener: Connection refused"))
    assert start is not None and (start.ref, start.strength) == ("net:refused", "exact")
    start = entry(trees, index.search("postgres stopped: Connection refused"))
    assert start is not None and (start.ref, start.strength) == ("db:down", "exact")
    # Nothing else to go on: no tree is guessed (the results show both).
    assert entry(trees, index.search("Connection refused")) is None


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
    text = {f"{e.tree_id}:{e.node_id}": e.fields[0][1].split() for e in entries}
    for query in queries:
        assert big.search(query), query
    # Only common words: every hit holds one of them (each node holds exactly one).
    hits = big.search(queries[0])
    assert len(hits) == 20 and all(set(text[h.ref]) & set(common) for h in hits)
    hits = big.search(queries[1])
    assert len(hits) == 20 and all("error" in text[h.ref] for h in hits)
    assert big.search(queries[2])[0].ref == "t0:n500"
    # Misspelt: fuzzy hits on the words they stand for.
    hits = big.search(queries[3])
    assert hits and all({"connection", "timeout"} & set(text[h.ref]) for h in hits)
    # Two rare words: exactly the nodes holding them, those holding both first.
    holding = {ref for ref, words in text.items() if {"w123x", "w4567x"} & set(words)}
    both = {ref for ref, words in text.items() if {"w123x", "w4567x"} <= set(words)}
    hits = big.search(queries[4], limit=len(holding) + 5)
    assert {h.ref for h in hits} == holding
    assert {h.ref for h in hits[: len(both)]} == both


def _two_branch_tree() -> Tree:
    """start -> dns (-> dns-down) | tcp (-> fw); "i/o timeout" is listed at dns-down and tcp."""
    return tree(
        "net",
        {
            "start": {
                "prompt": "Which layer fails",
                "choices": [{"label": "DNS", "next": "dns"}, {"label": "TCP", "next": "tcp"}],
            },
            "dns": {
                "prompt": "Does the resolver answer",
                "choices": [{"label": "No", "next": "dns-down"}, {"label": "Yes", "next": "fw"}],
            },
            "tcp": {
                "prompt": "Where does the connection time out",
                "symptoms": ["i/o timeout"],
                "choices": [{"label": "Dropped", "next": "fw"}, {"label": "Other", "next": "fw"}],
            },
            "dns-down": {
                "title": "Upstream resolver down",
                "symptoms": ["i/o timeout"],
                "root_cause": "the upstream resolver on udp port 53 stopped answering lookup",
            },
            "fw": {"title": "Firewall drops it"},
        },
    )


def test_one_symptom_at_two_unrelated_steps_opens_neither() -> None:
    """A literal listed at a question and at a conclusion on another branch: the
    first by id would be a guess, so the walk starts at the tree's first question."""
    trees = {"net": _two_branch_tree()}
    hits = SearchIndex(trees).search("read: i/o timeout after 30s")
    assert [h.strength for h in hits[:2]] == ["exact", "exact"]
    start = entry(trees, hits)
    assert start is not None
    assert (start.ref, start.strength, start.choice) == ("net:start", "weak", None)


def test_one_symptom_at_two_steps_goes_where_the_other_words_point() -> None:
    trees = {"net": _two_branch_tree()}
    hits = SearchIndex(trees).search(
        "lookup api on 10.96.0.10:53: read udp 10.0.0.1:53: i/o timeout: upstream resolver"
    )
    start = entry(trees, hits)
    assert start is not None
    assert (start.ref, start.target, start.strength) == ("net:dns", "dns-down", "exact")


def test_one_symptom_at_two_steps_on_one_path_opens_the_first_without_a_suggestion() -> None:
    base = _two_branch_tree()
    nodes = base.model_dump(mode="json", exclude_none=True)["nodes"]
    nodes["dns"]["symptoms"] = ["i/o timeout"]  # dns leads to dns-down: it comes first
    nodes["tcp"].pop("symptoms")
    for node in nodes.values():
        node.pop("kind", None)
    trees = {"net": tree("net", nodes)}
    start = entry(trees, SearchIndex(trees).search("read: i/o timeout after 30s"))
    assert start is not None
    assert (start.ref, start.strength, start.choice) == ("net:dns", "exact", None)


def test_one_symptom_at_two_answers_of_one_question_suggests_neither() -> None:
    base = _two_branch_tree()
    nodes = base.model_dump(mode="json", exclude_none=True)["nodes"]
    nodes["tcp"].pop("symptoms")
    nodes["fw"]["symptoms"] = ["i/o timeout"]  # dns decides both: No -> dns-down, Yes -> fw
    for node in nodes.values():
        node.pop("kind", None)
    trees = {"net": tree("net", nodes)}
    start = entry(trees, SearchIndex(trees).search("read: i/o timeout after 30s"))
    assert start is not None
    assert (start.ref, start.strength, start.choice, start.target) == ("net:dns", "exact", None, None)


def test_a_single_character_finds_nothing(index: SearchIndex) -> None:
    """Typing the first letter of a query (or a stray key) must not open a tree."""
    for query in ("q", " x ", "5"):
        assert index.search(query) == []
    assert index.search("too many clients")  # two characters and more are searched


def test_equal_exact_hits_with_no_words_to_tell_them_apart_open_neither() -> None:
    """Two steps on different branches list a symptom of no words; nothing else in
    the query matches, so both score 0: no margin, no guess."""
    base = _two_branch_tree()
    nodes = base.model_dump(mode="json", exclude_none=True)["nodes"]
    nodes["tcp"]["symptoms"] = ["<-> !!"]
    nodes["dns-down"]["symptoms"] = ["<-> !!"]
    for node in nodes.values():
        node.pop("kind", None)
    trees = {"net": tree("net", nodes)}
    hits = SearchIndex(trees).search("<-> !!")
    assert [h.strength for h in hits[:2]] == ["exact", "exact"]
    assert hits[0].score == hits[1].score == 0
    start = entry(trees, hits)
    assert start is not None and (start.ref, start.strength) == ("net:start", "weak")
