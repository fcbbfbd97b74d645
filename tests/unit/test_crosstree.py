"""The checks across trees (`dectree.check.crosstree`) against one networkx graph of every node.

The cross-tree pass works over links and ports, and looks node by node only
at trees whose ports loop. Here its verdicts are held to the plain
definition, worked out on `TreeGraph` (every node of every tree in one
networkx graph): reachability from any start, loops with and without a way
out, dangling links with their hints, the longest path from each start. The
sets are random small trees linking into each other (`tests/unit/tree_sets.py`),
many with loops through several trees.
"""

from __future__ import annotations

import datetime as dt
import difflib
import random
from pathlib import Path

import pytest

from dectree.check.graph import TreeGraph, gid
from dectree.check.validate import validate_catalog
from dectree.model.catalog import Catalog, load_catalog
from dectree.source.problems import Problem, problem
from tests.unit.tree_sets import tree_set

STRUCTURE = {"DT201", "DT202", "DT205", "DT206", "DT209", "DT210", "DT218"}
MAX_PATH = 4


def _hint(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def reference(catalog: Catalog) -> set[Problem]:
    """The structure problems by the definition, over one graph of every node."""
    graph = TreeGraph.build(catalog)
    found: set[Problem] = set()
    for edge in graph.dangling:
        source_tree = edge.source.split(":", 1)[0]
        loaded = catalog.trees[source_tree]
        line, column = loaded.position(edge.loc)
        target = catalog.trees.get(edge.target_tree)
        if edge.target_tree == source_tree:
            hint = _hint(edge.target_node, list(loaded.tree.nodes))
            code, message = "DT201", f"reference to unknown node {edge.target_node!r}{hint}"
        elif target is None:
            hint = _hint(edge.target_tree, list(catalog.trees))
            code = "DT209"
            message = f"link {edge.ref!r} to tree {edge.target_tree!r}, which is not loaded{hint}"
        else:
            hint = _hint(edge.target_node, list(target.tree.nodes))
            code = "DT210"
            message = (
                f"link {edge.ref!r}: tree {edge.target_tree!r} has no node "
                f"{edge.target_node!r}{hint}"
            )
        found.add(problem(loaded.path, line, column, code, message))
    reachable = graph.reachable()
    finishing = graph.can_finish()
    owner = {
        gid(t, n): (loaded, n) for t, loaded in catalog.trees.items() for n in loaded.tree.nodes
    }
    for tree_id, loaded in catalog.trees.items():
        for node_id in loaded.tree.nodes:
            if gid(tree_id, node_id) not in reachable:
                line, column = loaded.position(("nodes", node_id), of_key=True)
                message = f"node {node_id!r} cannot be reached from any start"
                found.add(problem(loaded.path, line, column, "DT202", message))
        start = gid(tree_id, loaded.tree.start)
        if start in graph.graph:
            own = {gid(tree_id, n) for n in loaded.tree.nodes} & reachable
            length = graph.longest_path(start, own)
            if length > MAX_PATH:
                line, column = loaded.position(("start",))
                message = (
                    f"longest path from the start is {length} steps (limit {MAX_PATH}): "
                    "consider splitting the tree"
                )
                found.add(problem(loaded.path, line, column, "DT218", message))
    for component in graph.loops():
        loaded, node_id = owner[component[0]]
        line, column = loaded.position(("nodes", node_id), of_key=True)
        text = graph.cycle_text(component)
        if not finishing.intersection(component):
            message = f"loop with no way out to a conclusion or escalation: {text}"
            found.add(problem(loaded.path, line, column, "DT205", message))
        elif len(component) > 1:
            message = f"loop that can be left: {text}"
            found.add(problem(loaded.path, line, column, "DT206", message))
    context = {t.path for t in catalog.trees.values() if t.context}
    return {p for p in found if p.path not in context}


def _catalog(tmp_path: Path, seed: int) -> Catalog:
    rng = random.Random(seed)
    folder = tmp_path / str(seed)
    folder.mkdir()
    for tree_id, text in tree_set(rng, rng.randrange(2, 7)).items():
        (folder / f"{tree_id}.yaml").write_text(text)
    named = [str(folder)] if rng.random() < 0.7 else [str(folder / "t0.yaml")]
    return load_catalog(named, with_siblings=True)


def test_the_cross_tree_pass_gives_the_verdicts_of_one_graph_of_every_node(
    tmp_path: Path,
) -> None:
    across = 0  # loops through more than one tree met
    for seed in range(300):
        catalog = _catalog(tmp_path, seed)
        found = {
            p
            for p in validate_catalog(catalog, today=dt.date(2026, 11, 26), max_path=MAX_PATH)
            if p.code in STRUCTURE
        }
        expected = reference(catalog)
        assert found == expected, f"seed {seed}: {sorted(found ^ expected)[:4]}"
        across += sum(p.code in ("DT205", "DT206") and p.message.count(":") > 1 for p in expected)
    assert across >= 10  # the sets do exercise loops across trees


@pytest.mark.parametrize("way_out", [False, True])
def test_a_loop_across_two_trees_is_one_loop(tmp_path: Path, way_out: bool) -> None:
    for name, other in (("a", "b"), ("b", "a")):
        end = (
            "\n  last: {kind: conclusion, outcome: resolved, root_cause: x, resolution: [{do: y}]}"
        )
        (tmp_path / f"{name}.yaml").write_text(
            f"id: {name}\ntitle: T\nversion: '1'\npurpose: p\nscope: s\n"
            "escalation: {L2: {team: SRE, channel: '#sre', when: Always.}}\n"
            "review: {last_updated: 2026-01-01, updated_by: me, next_review: 2099-01-01}\n"
            "start: spin\nnodes:\n"
            f"  spin: {{kind: question, prompt: Again?, checks: [{{run: uptime}}], choices: "
            f"[{{label: 'Yes', next: '{other}:spin'}}"
            + (", {label: 'No', next: last}]}" + end if way_out and name == "a" else "]}")
            + "\n"
        )
    catalog = load_catalog([str(tmp_path)])
    loops = [
        p
        for p in validate_catalog(catalog, today=dt.date(2026, 11, 26))
        if p.code in ("DT205", "DT206")
    ]
    assert [(p.code, Path(p.path).name, p.message.split(": ", 1)[1]) for p in loops] == [
        ("DT206" if way_out else "DT205", "a.yaml", "spin --> b:spin --> spin")
    ]
    assert loops == sorted(reference(catalog) & set(loops))


@pytest.mark.parametrize("seed", range(40))
def test_the_compact_path_for_huge_trees_gives_networkx_components_and_reach(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above `COMPACT_ABOVE` nodes the components and the reach from the start are
    found over lists of ints instead of a networkx graph (memory at 100,000 nodes):
    on random graphs, small enough to check both ways, the answers are the same."""
    import dectree.check.local as local

    rng = random.Random(seed)
    size = rng.randint(1, 60)
    succ = [
        tuple(rng.sample(range(size), rng.randint(0, min(3, size))))
        for _ in range(size)
    ]
    start = rng.randrange(size)

    def sinks_first(components: list[list[int]]) -> bool:
        where = {node: i for i, members in enumerate(components) for node in members}
        return all(
            where[nxt] <= where[node] for node, nexts in enumerate(succ) for nxt in nexts
        )

    by_networkx = local.strong_components(succ)
    reach_networkx = local.reached_from(succ, start)
    monkeypatch.setattr(local, "COMPACT_ABOVE", 0)
    compact = local.strong_components(succ)
    assert sorted(map(sorted, compact)) == sorted(map(sorted, by_networkx))
    assert sinks_first(compact) and sinks_first(by_networkx)
    assert local.reached_from(succ, start) == reach_networkx


def _small_tree(tree_id: str, *, review: str = "2099-01-01", away: str = "done") -> str:
    return (
        f"id: {tree_id}\ntitle: T\nversion: '1'\npurpose: p\nscope: s\n"
        "escalation: {L2: {team: SRE, channel: '#sre', when: Always.}}\n"
        f"review: {{last_updated: 2026-01-01, updated_by: me, next_review: {review}}}\n"
        "start: q\nnodes:\n"
        "  q: {kind: question, prompt: Up?, checks: [{run: uptime}], choices: "
        f"[{{label: 'Yes', next: done}}, {{label: 'No', next: '{away}'}}]}}\n"
        "  done: {kind: conclusion, outcome: resolved, root_cause: x, resolution: [{do: y}]}\n"
    )


def test_a_link_to_a_tree_not_loaded_suggests_the_closest_tree(tmp_path: Path) -> None:
    (tmp_path / "db.yaml").write_text(_small_tree("db"))
    (tmp_path / "app.yaml").write_text(_small_tree("app", away="dbb:q"))
    problems = validate_catalog(load_catalog([str(tmp_path)]), today=dt.date(2026, 11, 26))
    assert [p.message for p in problems if p.code == "DT209"] == [
        "link 'dbb:q' to tree 'dbb', which is not loaded (did you mean 'db'?)"
    ]


def test_a_review_is_overdue_from_the_day_after_it_was_due(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(_small_tree("t", review="2026-11-26"))
    catalog = load_catalog([str(path)])

    def overdue(today: dt.date) -> list[str]:
        return [p.message for p in validate_catalog(catalog, today=today) if p.code == "DT216"]

    assert overdue(dt.date(2026, 11, 26)) == []  # due today: not yet overdue
    assert overdue(dt.date(2026, 11, 27)) == ["review was due on 2026-11-26 (1 days ago)"]


def test_scenarios_naming_other_trees_nodes_are_checked_against_those_trees(
    tmp_path: Path,
) -> None:
    """DT220 for another tree's nodes needs the whole of that tree: a right
    reference passes; a missing node, choice or tree is reported where it is written."""
    (tmp_path / "db.yaml").write_text(_small_tree("db"))
    (tmp_path / "app.yaml").write_text(
        _small_tree("app", away="db:q")
        + "scenarios:\n"
        "  - name: over there\n    incident: It was down.\n    answers:\n"
        "      - {at: q, choose: 'No'}\n"
        "      - {at: 'db:q', choose: 'Yes'}\n"
        "      - {at: 'db:q', choose: 'Maybe'}\n"
        "      - {at: 'nope:q', choose: 'Yes'}\n"
        "    expect: 'db:gone'\n"
    )
    problems = validate_catalog(load_catalog([str(tmp_path)]), today=dt.date(2026, 11, 26))
    assert [(Path(p.path).name, p.line, p.message) for p in problems if p.code == "DT220"] == [
        ("app.yaml", 18, "scenario 'over there': 'db:q' has no choice 'Maybe'"),
        ("app.yaml", 19, "scenario 'over there': 'nope:q' is not a node"),
        ("app.yaml", 20, "scenario 'over there': expect 'db:gone' is not a node"),
    ]
