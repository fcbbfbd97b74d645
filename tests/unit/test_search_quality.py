"""Search quality floors on the labelled set (bench/search_quality.py): deterministic, not timed.

The set is every pasted line of the per-tree search tests and the one-sentence
descriptions in bench/search_set/prose.txt. A ranking change that sends more
engineers to the wrong place fails here; `python bench/search_quality.py
--misses` lists the cases that go wrong.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def quality() -> ModuleType:
    path = ROOT / "bench" / "search_quality.py"
    spec = importlib.util.spec_from_file_location("search_quality", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("search_quality", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, float]]:
    q = quality()
    trees = q.load_trees([str(ROOT / "trees")])
    return {kind: tally.rates() for kind, tally in q.evaluate(trees, q.all_cases()).items()}


def test_the_labelled_set_is_big_enough_and_names_real_nodes() -> None:
    q = quality()
    cases = q.all_cases()
    trees = q.load_trees([str(ROOT / "trees")])
    assert sum(c.kind == "line" for c in cases) >= 150
    assert sum(c.kind == "prose" for c in cases) >= 100
    for case in cases:
        for ref in case.accept:
            tree_id, _, node_id = ref.partition(":")
            assert tree_id in trees and node_id in trees[tree_id].nodes, (case.query, ref)


def test_prose_queries_do_not_copy_symptom_strings() -> None:
    q = quality()
    trees = q.load_trees([str(ROOT / "trees")])
    symptoms = {
        " ".join(s.casefold().split())
        for tree in trees.values()
        for node in tree.nodes.values()
        for s in node.symptoms
    }
    for case in q.prose_cases():
        assert " ".join(case.query.casefold().split()) not in symptoms, case.query


@pytest.mark.parametrize(("metric", "kind"), sorted(quality().FLOORS))
def test_accuracy_floor(figures: dict[str, dict[str, float]], metric: str, kind: str) -> None:
    floor, sense = quality().FLOORS[(metric, kind)]
    value = figures[kind][metric]
    if sense == "min":
        assert value >= floor, f"{kind} {metric} {value:.1%} is below the floor {floor:.0%}"
    else:
        assert value <= floor, f"{kind} {metric} {value:.1%} is above the ceiling {floor:.0%}"


def test_enter_never_opens_a_conclusion_or_an_escalation() -> None:
    from dectree.engine.search import SearchIndex, entry

    q = quality()
    trees = q.load_trees([str(ROOT / "trees")])
    index = SearchIndex(trees)
    cases = q.all_cases() + q.incident_cases([str(ROOT / "trees")])
    for case in cases:
        start = entry(trees, index.search(case.query))
        if start is not None:
            node = trees[start.tree_id].nodes[start.node_id]
            assert node.kind in ("question", "action"), (case.query, start.ref)
