"""Shared by the per-tree search tests: one index over the shipped trees, one check."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from dectree.engine.search import SearchIndex
from dectree.model.catalog import load_catalog

TREES = Path(__file__).resolve().parents[2] / "trees"


@cache
def shipped_index() -> SearchIndex:
    """The search index over every shipped tree, built once per test run."""
    catalog = load_catalog([str(TREES)])
    return SearchIndex({tree_id: loaded.tree for tree_id, loaded in catalog.trees.items()})


def assert_lands(tree_id: str, line: str, expected: str) -> None:
    """The pasted `line` must rank `expected` (`node` or `tree:node`) first."""
    ref = expected if ":" in expected else f"{tree_id}:{expected}"
    hits = shipped_index().search(line)
    assert hits, f"no hit for {line!r}"
    top = hits[0]
    assert top.ref == ref, (
        f"{line!r}: top hit {top.ref} ({top.kind} on {top.field}: {top.text!r}), "
        f"expected {ref}; next: {[hit.ref for hit in hits[1:4]]}"
    )


def assert_cases_name_nodes(tree_id: str, cases: list[tuple[str, str]]) -> None:
    """Every expected node exists in `tree_id`, and there are enough real lines."""
    tree = load_catalog([str(TREES)]).trees[tree_id].tree
    assert len(cases) >= 8
    for _, expected in cases:
        owner, _, node = expected.rpartition(":")
        assert owner in ("", tree_id), expected
        assert node in tree.nodes, expected
