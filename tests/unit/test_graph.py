"""Reachability (DT202) over generated graphs: islands, cycles, chains and cross-tree links.

A mutation that counted "any node something links to" as reachable once passed
the whole suite, because every unreachable node in the fixtures had no incoming
link at all. Here the shapes that tell the two apart are generated: an island
that is a cycle or a chain linking only to itself, an island that links into the
reachable part, islands spread over two trees, and nodes reachable only through
another tree. A hypothesis property then checks DT202 against networkx's own
reachability on random two-tree graphs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dectree.check.graph import TreeGraph
from dectree.check.validate import validate_catalog
from dectree.model.catalog import load_catalog

Edges = dict[str, list[str]]  # node -> targets ("node" in the same tree, "tree:node" across)


def tree_data(tree_id: str, edges: Edges) -> dict[str, object]:
    """A valid tree: a node with targets is a question choosing between them, one without
    is a resolved conclusion. The start is the first node."""
    nodes: dict[str, object] = {}
    for node, targets in edges.items():
        if targets:
            nodes[node] = {
                "kind": "question",
                "prompt": f"Where from {node}?",
                "checks": [{"run": "true"}],
                "choices": [{"label": f"to {t} ({i})", "next": t} for i, t in enumerate(targets)],
            }
        else:
            nodes[node] = {
                "kind": "conclusion",
                "title": f"End {node}",
                "outcome": "resolved",
                "root_cause": "Found.",
                "symptoms": [f"{node} went wrong"],
                "resolution": [{"do": "Fix it."}],
            }
    return {
        "id": tree_id,
        "title": f"Tree {tree_id}",
        "version": "1",
        "purpose": "Reachability tests.",
        "scope": "Tests.",
        "escalation": {"L2": {"team": "SRE", "channel": "#sre", "when": "Always."}},
        "review": {"last_updated": "2026-01-01", "updated_by": "me", "next_review": "2099-01-01"},
        "start": next(iter(edges)),
        "nodes": nodes,
    }


def unreachable(folder: Path, trees: dict[str, Edges]) -> set[str]:
    """`tree:node` of every DT202 the validator reports for these trees."""
    for old in folder.glob("*.yaml"):
        old.unlink()
    for tree_id, edges in trees.items():
        (folder / f"{tree_id}.yaml").write_text(yaml.safe_dump(tree_data(tree_id, edges)))
    catalog = load_catalog([str(folder)])
    assert not catalog.problems, catalog.problems
    found = set()
    for p in validate_catalog(catalog):
        if p.code == "DT202":
            node = p.message.split("'")[1]
            found.add(f"{Path(p.path).stem}:{node}")
    return found


MAIN = {"start": ["end"], "end": []}

# name -> (trees, the nodes that must get DT202)
SHAPES: dict[str, tuple[dict[str, Edges], set[str]]] = {
    "self-loop island": ({"a": {**MAIN, "x": ["x"]}}, {"a:x"}),
    "two-node cycle island": ({"a": {**MAIN, "x": ["y"], "y": ["x"]}}, {"a:x", "a:y"}),
    "three-node cycle island with an exit": (
        {"a": {**MAIN, "x": ["y"], "y": ["z"], "z": ["x", "out"], "out": []}},
        {"a:x", "a:y", "a:z", "a:out"},
    ),
    "chain island": ({"a": {**MAIN, "x": ["y"], "y": ["z"], "z": []}}, {"a:x", "a:y", "a:z"}),
    "island that links into the reachable part": (
        {"a": {**MAIN, "x": ["y"], "y": ["end"]}},
        {"a:x", "a:y"},
    ),
    "cross-tree island": (
        {"a": {**MAIN, "x": ["b:y"]}, "b": {**MAIN, "y": ["a:x"]}},
        {"a:x", "b:y"},
    ),
    "reachable only from another tree": (
        {"a": {"start": ["b:only"], "end": []}, "b": {**MAIN, "only": ["end"]}},
        {"a:end"},
    ),
    "reachable only through a chain in another tree": (
        {"a": {"start": ["b:p"], "back": []}, "b": {**MAIN, "p": ["q"], "q": ["a:back"]}},
        set(),
    ),
}


@pytest.fixture
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_unreachable_shapes(folder: Path, shape: str) -> None:
    trees, expected = SHAPES[shape]
    assert unreachable(folder, trees) == expected


def expected_unreachable(trees: dict[str, Edges]) -> set[str]:
    """Reachability computed independently with networkx, from every tree's start."""
    g: nx.DiGraph[str] = nx.DiGraph()
    for tree_id, edges in trees.items():
        for node, targets in edges.items():
            g.add_node(f"{tree_id}:{node}")
            for t in targets:
                g.add_edge(f"{tree_id}:{node}", t if ":" in t else f"{tree_id}:{t}")
    seen: set[str] = set()
    for tree_id, edges in trees.items():
        start = f"{tree_id}:{next(iter(edges))}"
        seen |= {start} | nx.descendants(g, start)
    return set(g.nodes) - seen


@st.composite
def two_trees(draw: st.DrawFn) -> dict[str, Edges]:
    names = {t: [f"n{i}" for i in range(draw(st.integers(1, 6)))] for t in ("a", "b")}
    every = [f"{t}:{n}" for t, ns in names.items() for n in ns]
    trees: dict[str, Edges] = {}
    for tree_id, nodes in names.items():
        edges: Edges = {}
        for node in nodes:
            targets = draw(st.lists(st.sampled_from(every), max_size=3, unique=True))
            edges[node] = [t.split(":")[1] if t.startswith(f"{tree_id}:") else t for t in targets]
        trees[tree_id] = edges
    return trees


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(trees=two_trees())
def test_dt202_is_exactly_what_no_start_reaches(folder: Path, trees: dict[str, Edges]) -> None:
    assert unreachable(folder, trees) == expected_unreachable(trees)


def test_reachable_follows_links_not_incoming_edges(folder: Path) -> None:
    (folder / "a.yaml").write_text(
        yaml.safe_dump(tree_data("a", {"start": ["end"], "end": [], "x": ["y"], "y": ["x"]}))
    )
    graph = TreeGraph.build(load_catalog([str(folder)]))
    assert graph.reachable() == {"a:start", "a:end"}


# -- loops and path lengths ----------------------------------------------------------------


def problems_of(folder: Path, trees: dict[str, Edges], **kwargs: int) -> list[str]:
    for old in folder.glob("*.yaml"):
        old.unlink()
    for tree_id, edges in trees.items():
        (folder / f"{tree_id}.yaml").write_text(yaml.safe_dump(tree_data(tree_id, edges)))
    catalog = load_catalog([str(folder)])
    return [f"{p.code} {p.message}" for p in validate_catalog(catalog, **kwargs)]


def test_a_closed_loop_names_its_cycle_in_its_own_tree_and_across(folder: Path) -> None:
    found = problems_of(
        folder,
        {"a": {"start": ["x", "end"], "end": [], "x": ["y"], "y": ["b:p"]},
         "b": {"s": ["t"], "t": [], "p": ["q"], "q": ["a:x"]}},
    )
    loops = [m for m in found if m.startswith("DT205")]
    assert loops == ["DT205 loop with no way out to a conclusion or escalation: "
                     "x --> y --> b:p --> b:q --> x"]


def test_a_loop_that_can_be_left_is_a_note_with_its_cycle(folder: Path) -> None:
    found = problems_of(folder, {"a": {"start": ["x"], "x": ["y", "end"], "y": ["x"], "end": []}})
    assert [m for m in found if m.startswith("DT206")] == [
        "DT206 loop that can be left: x --> y --> x"
    ]
    assert not [m for m in found if m.startswith("DT205")]


def test_a_self_loop_is_said_once_and_a_closed_one_is_an_error(folder: Path) -> None:
    found = problems_of(folder, {"a": {"start": ["start", "end"], "end": []}})
    assert found == ["DT208 choice 'to start (0)' leads back to 'start' itself"]
    found = problems_of(folder, {"a": {"start": ["end"], "end": [], "x": ["x"]}})
    assert "DT205 loop with no way out to a conclusion or escalation: x --> x" in found


CHAINS = {
    "straight": ({"n0": ["n1"], "n1": ["n2"], "n2": ["n3"], "n3": []}, 4),
    "branching": ({"n0": ["n1", "n3"], "n1": ["n2"], "n2": ["n3"], "n3": []}, 4),
    "loop counts once": ({"n0": ["n1"], "n1": ["n2", "n3"], "n2": ["n1"], "n3": []}, 4),
    "long loop": ({"n0": ["n1"], "n1": ["n2"], "n2": ["n3"], "n3": ["n1", "n4"], "n4": []}, 5),
}


@pytest.mark.parametrize("shape", sorted(CHAINS))
def test_longest_path_is_measured_and_warned_above_the_limit(folder: Path, shape: str) -> None:
    edges, length = CHAINS[shape]
    at_limit = problems_of(folder, {"a": edges}, max_path=length)
    assert not [m for m in at_limit if m.startswith("DT218")]
    below = problems_of(folder, {"a": edges}, max_path=length - 1)
    assert [m for m in below if m.startswith("DT218")] == [
        f"DT218 longest path from the start is {length} steps (limit {length - 1}): "
        "consider splitting the tree"
    ]


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(st.integers(2, 9).flatmap(lambda n: st.lists(
    st.lists(st.integers(0, n - 1), max_size=3, unique=True), min_size=n, max_size=n)))
def test_longest_path_of_a_dag_matches_networkx(lists: list[list[int]]) -> None:
    # Edges only go forward (i -> j > i): a DAG, whose longest path networkx knows.
    edges = {f"n{i}": sorted({f"n{j}" for j in targets if j > i}) for i, targets in enumerate(lists)}
    g: nx.DiGraph[str] = nx.DiGraph()
    g.add_nodes_from(edges)
    g.add_edges_from((s, t) for s, ts in edges.items() for t in ts)
    reach = {"n0"} | nx.descendants(g, "n0")
    expected = nx.dag_longest_path_length(g.subgraph(reach)) + 1
    with tempfile.TemporaryDirectory() as name:
        found = problems_of(Path(name), {"a": edges}, max_path=1)
    if expected > 1:
        assert f"DT218 longest path from the start is {expected} steps (limit 1): " \
               "consider splitting the tree" in found
    else:
        assert not [m for m in found if m.startswith("DT218")]


def test_a_node_leading_into_a_closed_loop_is_not_a_loop_itself(folder: Path) -> None:
    found = problems_of(
        folder, {"a": {"start": ["end", "x"], "end": [], "x": ["y"], "y": ["z"], "z": ["y"]}}
    )
    assert [m for m in found if m.startswith(("DT205", "DT206"))] == [
        "DT205 loop with no way out to a conclusion or escalation: y --> z --> y"
    ]


def test_a_cycle_that_leaves_its_tree_at_once_names_the_other_tree(folder: Path) -> None:
    found = problems_of(
        folder,
        {"a": {"start": ["end", "x"], "end": [], "x": ["b:p"]},
         "b": {"s": ["t"], "t": [], "p": ["q"], "q": ["a:x"]}},
    )
    assert [m for m in found if m.startswith("DT205")] == [
        "DT205 loop with no way out to a conclusion or escalation: x --> b:p --> b:q --> x"
    ]


def test_all_links_resolve_agrees_with_broken_links() -> None:
    """The quick pass `dectree run` makes before looking for broken links on the way."""
    from dectree.check.links import all_links_resolve, broken_links
    from dectree.model.catalog import load_catalog

    codes = Path(__file__).parent / "fixtures" / "codes"
    sets = [[str(p)] for p in sorted(codes.glob("*.yaml"))] + [[]]  # each fixture; the shipped
    broken_seen = 0
    for paths in sets:
        catalog = load_catalog(paths)
        if not catalog.trees:
            continue
        broken = broken_links(catalog, list(catalog.trees))
        broken_seen += bool(broken)
        assert all_links_resolve(catalog) == (not broken), paths
    assert broken_seen >= 3  # DT201, DT209, DT210 at least
