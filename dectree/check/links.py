"""The links between nodes, without networkx: what `dectree run` and `dectree list` check
before a walk starts, in a millisecond (networkx alone takes a tenth of a second to load).

`references` lists a node's outgoing references with where they are written;
`broken_links` those that lead nowhere; `reachable` the nodes some start leads
to. `dectree.check.graph` builds its full graph from the same `references`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from dectree.model.catalog import Catalog
from dectree.model.tree import Action, AnyNode, Conclusion, Escalation, Question, split_ref


def gid(tree_id: str, node_id: str) -> str:
    """Graph id of a node."""
    return f"{tree_id}:{node_id}"


@dataclass(frozen=True)
class Edge:
    """A reference from one node to another, with where it is written."""

    source: str
    ref: str
    target_tree: str
    target_node: str
    loc: tuple[str | int, ...]


def references(tree_id: str, node_id: str, node: AnyNode) -> Iterator[Edge]:
    """Every outgoing reference of a node, with its model path."""
    source = gid(tree_id, node_id)
    base: tuple[str | int, ...] = ("nodes", node_id)
    refs: list[tuple[str, tuple[str | int, ...]]] = []
    if isinstance(node, Question):
        refs = [(c.next, (*base, "choices", i, "next")) for i, c in enumerate(node.choices)]
    elif isinstance(node, Action):
        refs = [(node.next, (*base, "next"))]
    elif isinstance(node, Conclusion) and node.if_not_fixed:
        refs = [(node.if_not_fixed, (*base, "if_not_fixed"))]
    elif isinstance(node, Escalation) and node.next:
        refs = [(node.next, (*base, "next"))]
    for ref, loc in refs:
        target_tree, target_node = split_ref(ref, tree_id)
        yield Edge(source, ref, target_tree, target_node, loc)


def _targets(node: AnyNode) -> list[str]:
    """A node's outgoing references as written (what `references` yields, without positions)."""
    if isinstance(node, Question):
        return [c.next for c in node.choices]
    if isinstance(node, Action):
        return [node.next]
    if isinstance(node, (Conclusion, Escalation)):
        ref = node.if_not_fixed if isinstance(node, Conclusion) else node.next
        return [ref] if ref else []
    return []


def all_links_resolve(catalog: Catalog) -> bool:
    """Whether every reference of every loaded tree leads to a loaded node.

    The common case, checked in one lean pass (a tenth of the time `broken_links`
    and `reachable` take together on a 10,000-node tree) before either is needed."""
    for tree_id, loaded in catalog.trees.items():
        nodes = loaded.tree.nodes
        for node in nodes.values():
            for ref in _targets(node):
                tree, sep, node_id = ref.rpartition(":")
                if not sep or tree == tree_id:
                    if node_id not in nodes:
                        return False
                elif catalog.node(tree, node_id) is None:
                    return False
    return True


def broken_links(catalog: Catalog, tree_ids: Iterable[str]) -> list[Edge]:
    """References written in these trees that lead to no loaded node."""
    out = []
    for tree_id in tree_ids:
        loaded = catalog.trees.get(tree_id)
        if loaded is None:
            continue
        for node_id, node in loaded.tree.nodes.items():
            for edge in references(tree_id, node_id, node):
                if catalog.node(edge.target_tree, edge.target_node) is None:
                    out.append(edge)
    return out


def reachable(catalog: Catalog, starts: Iterable[str] | None = None) -> set[str]:
    """`tree:node` of every node some start leads to (default: every tree's start)."""
    if starts is None:
        starts = [
            gid(t, loaded.tree.start)
            for t, loaded in catalog.trees.items()
            if loaded.tree.start in loaded.tree.nodes
        ]
    seen = set(starts)
    stack = list(seen)
    while stack:
        tree_id, node_id = stack.pop().split(":", 1)
        node = catalog.node(tree_id, node_id)
        if node is None:
            continue
        for edge in references(tree_id, node_id, node):
            target = gid(edge.target_tree, edge.target_node)
            if target not in seen and catalog.node(edge.target_tree, edge.target_node) is not None:
                seen.add(target)
                stack.append(target)
    return seen
