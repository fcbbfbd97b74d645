"""The checks that look across trees, run over each file's facts (`dectree.check.local`).

Dangling links into other trees (DT209, DT210, with did-you-mean over every
tree id or the target's node ids), nodes no start reaches (DT202), loops with
and without a way out (DT205, DT206), scenarios that name other trees' nodes,
and the per-tree verdicts that depend on the run's options (DT216 on `today`,
DT218 on `max_path`).

The work is done over links, not nodes. A node that some link points at is a
port; each node's mask says which links it reaches inside its own tree, so:

- a port is reached if a start, or a reached port, reaches a link to it;
- a port can finish if a walk ends inside its tree, or it reaches a link to a
  port that can finish;
- a loop through several trees is a loop in the graph of ports. Only trees
  with a port on such a loop are looked at node by node; every other tree's
  loops are the loops inside it, already in its facts.

The answers are those of the one networkx graph over every node that
`dectree.check.graph.TreeGraph` builds (the differential tests hold the two
to each other); the cost grows with links, not with nodes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dectree.check.local import (
    TreeFacts,
    cross_scenarios,
    cycle_text,
    did_you_mean,
    link_bits,
    strong_components,
)
from dectree.model.catalog import LoadedTree
from dectree.source.problems import CODES, Problem, problem

Port = tuple[int, int]
"""(tree number in the run, node index)."""


@dataclass
class Entry:
    """One tree of a run: where it came from, its facts, and its whole tree when at hand."""

    path: str
    digest: str
    facts: TreeFacts
    context: bool = False
    loaded: LoadedTree | None = field(default=None, repr=False)


def cross_check(
    entries: Sequence[Entry],
    *,
    today: dt.date,
    max_path: int,
    whole: Callable[[Entry], LoadedTree | None],
) -> list[Problem]:
    """Every problem of the trees in `entries` (the loaded trees, in load order), unsorted.

    `whole` gives an entry's whole tree, needed only for scenarios that name
    other trees' nodes and for the position of a loop across trees.
    """
    out: list[Problem] = []
    number = {e.facts.tree_id: i for i, e in enumerate(entries)}
    tree_ids = list(number)
    for e in entries:
        if not e.context:
            _own(e, today, max_path, out)

    # Links: resolved to ports, or reported.
    indexes: dict[int, dict[str, int]] = {}
    resolved: list[list[Port | None]] = []
    for e in entries:
        targets: list[Port | None] = []
        for link in e.facts.links:
            other = number.get(link.target_tree)
            if other is None:
                targets.append(None)
                hint = did_you_mean(link.target_tree, tree_ids)
                out.append(
                    _problem(
                        e,
                        link.position,
                        "DT209",
                        f"link {link.ref!r} to tree {link.target_tree!r}, which is not loaded{hint}",
                    )
                )
                continue
            index = indexes.get(other)
            if index is None:
                index = indexes[other] = {n: i for i, n in enumerate(entries[other].facts.nodes)}
            node = index.get(link.target_node)
            if node is None:
                targets.append(None)
                hint = did_you_mean(link.target_node, list(entries[other].facts.nodes))
                out.append(
                    _problem(
                        e,
                        link.position,
                        "DT210",
                        f"link {link.ref!r}: tree {link.target_tree!r} has no node "
                        f"{link.target_node!r}{hint}",
                    )
                )
            else:
                targets.append((other, node))
        resolved.append(targets)

    def leads(port: Port) -> list[Port]:
        """The ports a port reaches through one link out of its tree."""
        t, node = port
        found = []
        for k in link_bits(entries[t].facts.masks[node]):
            target = resolved[t][k]
            if target is not None:
                found.append(target)
        return found

    # Reached ports: from every start, then from every port reached.
    reached: set[Port] = set()
    stack: list[Port] = []
    for t, e in enumerate(entries):
        if e.facts.start >= 0:
            for target in leads((t, e.facts.start)):
                if target not in reached:
                    reached.add(target)
                    stack.append(target)
    while stack:
        for target in leads(stack.pop()):
            if target not in reached:
                reached.add(target)
                stack.append(target)

    # Ports that can finish: those whose tree ends a walk, and back along links.
    ports = sorted({target for targets in resolved for target in targets if target is not None})
    after = {port: leads(port) for port in ports}
    before: dict[Port, list[Port]] = defaultdict(list)
    for port, nexts in after.items():
        for nxt in nexts:
            before[nxt].append(port)
    finishing = {p for p in ports if entries[p[0]].facts.ends(p[1])}
    stack = list(finishing)
    while stack:
        for prev in before[stack.pop()]:
            if prev not in finishing:
                finishing.add(prev)
                stack.append(prev)

    def finishes(t: int, node: int) -> bool:
        facts = entries[t].facts
        if facts.ends(node):
            return True
        return any(resolved[t][k] in finishing for k in link_bits(facts.masks[node]))

    # DT202: nodes neither the start nor a reached port leads to.
    from_ports: dict[int, list[int]] = defaultdict(list)
    for t, node in reached:
        from_ports[t].append(node)
    for t, e in enumerate(entries):
        unreached = e.facts.unreached
        if not unreached:
            continue
        seen = {n for n in from_ports.get(t, ()) if n in unreached}
        stack_nodes = list(seen)
        while stack_nodes:
            for code in e.facts.succ[stack_nodes.pop()]:
                if code >= 0 and code in unreached and code not in seen:
                    seen.add(code)
                    stack_nodes.append(code)
        for node, position in unreached.items():
            if node not in seen:
                out.append(
                    _problem(
                        e,
                        position,
                        "DT202",
                        f"node {e.facts.nodes[node]!r} cannot be reached from any start",
                    )
                )

    # Loops: across trees where the ports loop, else each tree's own.
    port_number = {port: i for i, port in enumerate(ports)}
    port_components = strong_components([[port_number[n] for n in after[p]] for p in ports])
    involved = sorted(
        {ports[i][0] for component in port_components if len(component) > 1 for i in component}
    )
    for t, e in enumerate(entries):
        if t in involved:
            continue
        for loop in e.facts.loops:
            if not finishes(t, loop.owner):
                out.append(
                    _problem(
                        e,
                        loop.position,
                        "DT205",
                        f"loop with no way out to a conclusion or escalation: {loop.text}",
                    )
                )
            elif loop.size > 1:
                out.append(
                    _problem(e, loop.position, "DT206", f"loop that can be left: {loop.text}")
                )
    if involved:
        out.extend(_loops_across(entries, involved, resolved, finishes, whole))

    # Scenarios that name other trees' nodes: with the whole trees.
    def node_of(tree_id: str, node_id: str) -> object:
        t = number.get(tree_id)
        loaded = whole(entries[t]) if t is not None else None
        return loaded.tree.nodes.get(node_id) if loaded is not None else None

    for e in entries:
        if e.facts.cross_scenarios and not e.context:
            loaded = whole(e)
            if loaded is not None:
                out.extend(cross_scenarios(loaded, node_of))  # type: ignore[arg-type]
    return out


def _own(e: Entry, today: dt.date, max_path: int, out: list[Problem]) -> None:
    """The tree's own problems, and the verdicts that depend on the options."""
    path = e.path
    out.extend(
        Problem(path, line, column, CODES[code][0], code, message)
        for line, column, code, message in e.facts.problems
    )
    facts = e.facts
    if facts.start >= 0 and facts.longest > max_path:
        out.append(
            _problem(
                e,
                facts.start_position,
                "DT218",
                f"longest path from the start is {facts.longest} steps (limit {max_path}): "
                "consider splitting the tree",
            )
        )
    if facts.review < today:
        out.append(
            _problem(
                e,
                facts.review_position,
                "DT216",
                f"review was due on {facts.review.isoformat()} ({(today - facts.review).days} days ago)",
            )
        )


def _loops_across(
    entries: Sequence[Entry],
    involved: list[int],
    resolved: list[list[Port | None]],
    finishes: Callable[[int, int], bool],
    whole: Callable[[Entry], LoadedTree | None],
) -> list[Problem]:
    """Loops of the trees whose ports loop, worked out node by node over those trees only."""
    offset: dict[int, int] = {}
    where: list[Port] = []
    for t in involved:
        offset[t] = len(where)
        where.extend((t, n) for n in range(len(entries[t].facts.nodes)))

    def successors(t: int, node: int) -> list[Port]:
        found: list[Port] = []
        for code in entries[t].facts.succ[node]:
            if code >= 0:
                found.append((t, code))
            else:
                target = resolved[t][-code - 1]
                if target is not None and target not in found:
                    found.append(target)
        return found

    succ = [[offset[u] + m for u, m in successors(t, node) if u in offset] for t, node in where]

    def gid(port: Port) -> str:
        return entries[port[0]].facts.gid(port[1])

    by_gid = {gid(port): port for port in where}
    out: list[Problem] = []
    for members in strong_components(succ):
        if len(members) == 1 and members[0] not in succ[members[0]]:
            continue
        component = sorted(gid(where[m]) for m in members)
        t, node = by_gid[component[0]]
        can_finish = any(finishes(*where[m]) for m in members)
        if can_finish and len(members) == 1:
            continue
        text = cycle_text(lambda g: [gid(p) for p in successors(*by_gid[g])], component)
        loaded = whole(entries[t])
        position = (
            loaded.position(("nodes", entries[t].facts.nodes[node]), of_key=True)
            if loaded is not None
            else (1, 1)
        )
        if not can_finish:
            message = f"loop with no way out to a conclusion or escalation: {text}"
            out.append(_problem(entries[t], position, "DT205", message))
        else:
            out.append(_problem(entries[t], position, "DT206", f"loop that can be left: {text}"))
    return out


def _problem(e: Entry, position: tuple[int, int], code: str, message: str) -> Problem:
    return problem(e.path, position[0], position[1], code, message)
