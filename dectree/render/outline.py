"""What every renderer needs to know about a tree: walk order, edges, names and findings.

Walk order is breadth-first from the start, following each node's references
in order (a question's choices first to last). Nodes the walk never meets come
after, in file order. Findings (unreachable nodes, dead ends, loops with no
way out, references to nothing) come from the validator's problems when a
`LoadedTree` and its problems are given (the validator sees links between
trees), and otherwise from the tree alone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from dectree.check.graph import references
from dectree.model.catalog import LoadedTree
from dectree.model.tree import (
    Action,
    AnyNode,
    Conclusion,
    Escalation,
    Question,
    Tree,
    is_terminal,
    split_ref,
)
from dectree.source.problems import Problem, Severity
from dectree.text.escape import shorten

# Problem codes drawn on the node they are reported at, and the words used.
NODE_FINDINGS = {"DT202": "unreachable", "DT203": "dead end", "DT205": "loop with no way out"}
# Problem codes reported at a reference whose target does not exist.
REF_FINDINGS = {"DT201", "DT209", "DT210"}
# Left out of runbooks: the same tree would render differently from one day to the next.
TIME_DEPENDENT = {"DT216"}


@dataclass(frozen=True)
class Edge:
    """A reference from one node of the tree, as a renderer draws it."""

    source: str
    ref: str
    label: str | None
    kind: str  # "choice", "next", "not-fixed" or "continue"
    target_tree: str
    target_node: str
    missing: bool = False

    @property
    def local(self) -> bool:
        """Whether the edge stays within the tree (and its target exists)."""
        return not self.missing and ":" not in self.ref


@dataclass
class Outline:
    """A tree laid out for rendering."""

    tree: Tree
    order: list[str]
    reachable: set[str]
    edges: list[Edge]
    findings: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def edges_from(self, node_id: str) -> list[Edge]:
        """The node's outgoing edges, in order."""
        return [e for e in self.edges if e.source == node_id]

    def edges_to(self, node_id: str) -> list[Edge]:
        """Edges inside the tree that lead to the node, in walk order of their sources."""
        rank = {n: i for i, n in enumerate(self.order)}
        found = [e for e in self.edges if e.local and e.target_node == node_id]
        return sorted(found, key=lambda e: rank.get(e.source, len(rank)))

    def links(self) -> list[str]:
        """Cross-tree references that resolve, in order of first appearance."""
        seen: dict[str, None] = {}
        for e in self.edges:
            if not e.missing and ":" in e.ref:
                seen.setdefault(e.ref, None)
        return list(seen)


def name(node: AnyNode, limit: int = 80) -> str:
    """A node's short name: its title, else the start of its prompt, cause or reason."""
    if node.title:
        return shorten(node.title, limit)
    if isinstance(node, (Question, Action)):
        return shorten(node.prompt, limit)
    if isinstance(node, Conclusion):
        return shorten(node.root_cause, limit)
    return f"Escalate to {node.level.value}"


def escalation_label(node: Escalation, limit: int) -> str:
    """Two lines for an escalation in a diagram: the level, then what it is about."""
    if node.title and node.title.lower().startswith("escalat"):
        return shorten(node.title, limit)
    return f"Escalate to {node.level.value}\n{shorten(node.title or node.reason, limit)}"


def outline(source: LoadedTree | Tree, problems: Sequence[Problem] | None = None) -> Outline:
    """Lay out a tree. With a loaded tree and its problems, findings follow the problems."""
    loaded = source if isinstance(source, LoadedTree) else None
    tree = source.tree if isinstance(source, LoadedTree) else source
    edges = [edge for node_id, node in tree.nodes.items() for edge in _edges(tree, node_id, node)]
    order, reachable = _walk(tree)
    own = list(problems or ())
    if loaded is not None and problems is not None:
        own = [p for p in own if p.path == loaded.path]
        findings, missing = _from_problems(loaded, own)
        edges = [replace(e, missing=True) if (e.source, e.ref) in missing else e for e in edges]
    else:
        findings = _from_structure(tree, edges, reachable)
    listed = [p for p in own if p.code not in TIME_DEPENDENT and p.level is not Severity.info]
    return Outline(tree, order, reachable, edges, findings, sorted(listed))


def _edges(tree: Tree, node_id: str, node: AnyNode) -> list[Edge]:
    labelled: list[tuple[str, str | None, str]] = []
    if isinstance(node, Question):
        labelled = [(c.next, c.label, "choice") for c in node.choices]
    elif isinstance(node, Action):
        labelled = [(node.next, None, "next")]
    elif isinstance(node, Conclusion) and node.if_not_fixed:
        labelled = [(node.if_not_fixed, "not fixed", "not-fixed")]
    elif isinstance(node, Escalation) and node.next:
        labelled = [(node.next, "meanwhile", "continue")]
    out = []
    for ref, label, kind in labelled:
        target_tree, target_node = split_ref(ref, tree.id)
        local = target_tree == tree.id
        missing = local and target_node not in tree.nodes
        # A link written as "own-id:node" is a local reference.
        ref = target_node if local else ref
        out.append(Edge(node_id, ref, label, kind, target_tree, target_node, missing))
    return out


def _walk(tree: Tree) -> tuple[list[str], set[str]]:
    order: list[str] = []
    seen: set[str] = set()
    queue: deque[str] = deque([tree.start] if tree.start in tree.nodes else [])
    seen.update(queue)
    while queue:
        node_id = queue.popleft()
        order.append(node_id)
        for edge in _edges(tree, node_id, tree.nodes[node_id]):
            if edge.target_tree == tree.id and edge.target_node in tree.nodes:
                if edge.target_node not in seen:
                    seen.add(edge.target_node)
                    queue.append(edge.target_node)
    reachable = set(order)
    order.extend(n for n in tree.nodes if n not in reachable)
    return order, reachable


def _from_structure(tree: Tree, edges: list[Edge], reachable: set[str]) -> dict[str, list[str]]:
    findings: dict[str, list[str]] = {}
    for node_id, node in tree.nodes.items():
        if node_id not in reachable:
            findings.setdefault(node_id, []).append(NODE_FINDINGS["DT202"])
        out = [e for e in edges if e.source == node_id]
        if not is_terminal(node) and all(e.missing for e in out):
            findings.setdefault(node_id, []).append(NODE_FINDINGS["DT203"])
    return findings


def _from_problems(
    loaded: LoadedTree, problems: list[Problem]
) -> tuple[dict[str, list[str]], set[tuple[str, str]]]:
    by_place: dict[tuple[int, int], list[Problem]] = {}
    for p in problems:
        by_place.setdefault((p.line, p.column), []).append(p)
    findings: dict[str, list[str]] = {}
    missing: set[tuple[str, str]] = set()
    tree = loaded.tree
    for node_id, node in tree.nodes.items():
        place = loaded.position(("nodes", node_id), of_key=True)
        for p in by_place.get(place, []):
            if p.code in NODE_FINDINGS:
                findings.setdefault(node_id, []).append(NODE_FINDINGS[p.code])
        for ref_edge in references(tree.id, node_id, node):
            here = by_place.get(loaded.position(ref_edge.loc), [])
            if any(q.code in REF_FINDINGS for q in here):
                target_tree, target_node = split_ref(ref_edge.ref, tree.id)
                missing.add((node_id, target_node if target_tree == tree.id else ref_edge.ref))
    return findings, missing
