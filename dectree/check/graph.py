"""The trees as one networkx graph, so cross-tree links are checked like any other.

Graph node ids are `tree:node` strings. References that point nowhere are
kept aside (`dangling`) instead of becoming graph nodes, so every graph node is
a real node of a loaded tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import networkx as nx

from dectree.check.links import Edge, gid, references
from dectree.model.catalog import Catalog
from dectree.model.tree import is_terminal

__all__ = ["Edge", "TreeGraph", "gid", "references"]


@dataclass
class TreeGraph:
    """A directed graph over every node of every loaded tree."""

    graph: nx.DiGraph[str] = field(default_factory=nx.DiGraph)
    dangling: list[Edge] = field(default_factory=list)
    starts: set[str] = field(default_factory=set)
    terminals: set[str] = field(default_factory=set)
    _lists: tuple[dict[str, list[str]], dict[str, list[str]]] | None = field(
        default=None, init=False, repr=False
    )

    def _adjacency(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Successor and predecessor lists as plain dicts, made once: the walks below
        touch every node, and networkx's views cost a wrapper per lookup."""
        if self._lists is None:
            succ = {node: list(nbrs) for node, nbrs in self.graph.adjacency()}
            pred: dict[str, list[str]] = {node: [] for node in succ}
            for node, nbrs in succ.items():
                for nxt in nbrs:
                    pred[nxt].append(node)
            self._lists = (succ, pred)
        return self._lists

    @classmethod
    def build(cls, catalog: Catalog) -> TreeGraph:
        """Add every node, then every reference that resolves."""
        self = cls()
        g = self.graph
        for tree_id, loaded in catalog.trees.items():
            for node_id, node in loaded.tree.nodes.items():
                g.add_node(gid(tree_id, node_id))
                if is_terminal(node):
                    self.terminals.add(gid(tree_id, node_id))
            if loaded.tree.start in loaded.tree.nodes:
                self.starts.add(gid(tree_id, loaded.tree.start))
        for tree_id, loaded in catalog.trees.items():
            for node_id, node in loaded.tree.nodes.items():
                for edge in references(tree_id, node_id, node):
                    target = gid(edge.target_tree, edge.target_node)
                    if target in g:
                        g.add_edge(edge.source, target)
                    else:
                        self.dangling.append(edge)
        return self

    def reachable(self) -> set[str]:
        """Nodes reachable from any tree's start (starts included)."""
        seen = set(self.starts)
        stack = list(self.starts)
        succ = self._adjacency()[0]
        while stack:
            for nxt in succ[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    def can_finish(self) -> set[str]:
        """Nodes from which some conclusion or ending escalation can be reached."""
        seen = set(self.terminals)
        stack = list(self.terminals)
        pred = self._adjacency()[1]
        while stack:
            for prev in pred[stack.pop()]:
                if prev not in seen:
                    seen.add(prev)
                    stack.append(prev)
        return seen

    def loops(self) -> Iterator[list[str]]:
        """Strongly connected components that contain a cycle (self-loops included)."""
        for component in nx.strongly_connected_components(self.graph):
            if len(component) > 1:
                yield sorted(component)
            else:
                (only,) = component
                if self.graph.has_edge(only, only):
                    yield [only]

    def cycle_text(self, component: list[str]) -> str:
        """One cycle through a component, as `a --> b --> a`."""
        try:
            edges = nx.find_cycle(self.graph.subgraph(component), source=component[0])
        except nx.NetworkXNoCycle:
            return " --> ".join(component)
        names = [edges[0][0], *(v for _, v in edges)]
        return " --> ".join(
            n.split(":", 1)[1] if n.split(":", 1)[0] == names[0].split(":", 1)[0] else n
            for n in names
        )

    def longest_path(self, start: str, within: set[str]) -> int:
        """Steps on the longest path from `start` without repeating a loop (loops count once)."""
        length = self._longest_acyclic(start, within)
        if length is not None:
            return length
        sub = self.graph.subgraph(within)
        dag = nx.condensation(sub)
        mapping = dag.graph["mapping"]
        weight = {c: len(dag.nodes[c]["members"]) for c in dag}
        best: dict[int, int] = {}
        for c in reversed(list(nx.topological_sort(dag))):
            best[c] = weight[c] + max((best[s] for s in dag.succ[c]), default=0)
        return best[mapping[start]] if start in mapping else 0

    def _longest_acyclic(self, start: str, within: set[str]) -> int | None:
        """The longest path by depth-first search, or None at the first loop met.

        Most trees have no loop; this avoids building a condensation per tree.
        """
        if start not in within:
            return 0
        succ = self._adjacency()[0]
        best: dict[str, int] = {}
        on_path: set[str] = {start}
        stack: list[tuple[str, list[str]]] = [(start, [n for n in succ[start] if n in within])]
        while stack:
            node, todo = stack[-1]
            if todo:
                nxt = todo.pop()
                if nxt in on_path:
                    return None
                if nxt not in best:
                    on_path.add(nxt)
                    stack.append((nxt, [n for n in succ[nxt] if n in within]))
                continue
            stack.pop()
            on_path.discard(node)
            best[node] = 1 + max((best[n] for n in succ[node] if n in within), default=0)
        return best[start]
