"""The checks that see one file only, and the small summary the cross-tree checks need.

`tree_facts` runs every check whose verdict depends on one tree file alone
(content rules, a start that does not exist, links inside the tree that lead
nowhere, scenarios that stay inside the tree) and sums up what the cross-tree
checks (`dectree.check.crosstree`) need to know of the file, so that they never
need the whole tree again:

- the tree id and its node ids, in file order;
- every link out to another tree, with where it is written;
- per node, as one int, whether a walk from it can end inside the tree (bit 0)
  and which links out it can reach without leaving the tree (bit k + 1 for
  link k): reachability, "can finish" and loops across trees are worked out
  over these, link by link, not node by node;
- the nodes the start does not reach inside the tree, the loops inside the
  tree with their text, the longest path from the start, the review date.

The facts of a file depend only on its bytes (and the code), which is what
lets `dectree.check.incremental` keep them per file, keyed on the file's
content. Problems are kept without their path: the same bytes under another
name give the same facts.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dectree.check.links import references
from dectree.engine.shellctx import contexts
from dectree.engine.suggest import RuleError, check_index, compile_rule
from dectree.model.catalog import LoadedTree
from dectree.model.tree import (
    AnyNode,
    Conclusion,
    Escalation,
    Level,
    Outcome,
    Question,
    Rule,
    is_terminal,
    placeholder_fields,
    placeholders,
    split_ref,
)
from dectree.source.problems import CODES, Problem, problem

if TYPE_CHECKING:
    import networkx as nx

# An answer for what the other answers do not cover (DT225): its label starts
# with one of these words, e.g. "None of these: ...", "Other error (...)".
WAY_OUT_RE = re.compile(
    r"^\W*(none\b|neither\b|other\b|others\b|something else\b|anything else\b|"
    r"not sure\b|unsure\b|unknown\b|no idea\b|"
    r"(?:i\s+)?(?:don't|do not|can't|cannot|can not)\s+(?:know|tell)\b)",
    re.IGNORECASE,
)
MAX_CHOICES = 9
"""Answers the digit keys can choose (DT229 above)."""

Position = tuple[int, int]
Found = tuple[int, int, str, str]
"""A problem without its path: line, column, code, message."""


@dataclass
class Link:
    """A reference from a node to a node of another tree, with where it is written."""

    source: int
    """Index of the node it is written in."""
    ref: str
    target_tree: str
    target_node: str
    position: Position


@dataclass
class Loop:
    """A loop inside one tree (a strongly connected part, or a node leading to itself)."""

    owner: int
    """Index of the node whose `tree:node` id sorts first: problems are reported there."""
    size: int
    text: str
    """One cycle through it, as `a --> b --> a`."""
    position: Position
    """Where the owner's key is written."""


@dataclass
class TreeFacts:
    """What the checks across trees need of one tree file, and its own problems."""

    tree_id: str
    id_position: Position
    nodes: tuple[str, ...]
    start: int
    """Index of the start node, or -1 when the start does not exist (DT200)."""
    start_position: Position
    succ: tuple[tuple[int, ...], ...]
    """Per node, its resolving references in order: a node index, or -(k + 1) for link k."""
    links: tuple[Link, ...]
    masks: tuple[int, ...]
    """Per node: bit 0, a walk from it can end in this tree; bit k + 1, it reaches link k."""
    unreached: dict[int, Position]
    """Nodes the start does not reach inside the tree (all of them if there is no start)."""
    loops: tuple[Loop, ...]
    longest: int
    """Steps on the longest path from the start inside the tree (loops count once); 0 if none."""
    review: dt.date
    review_position: Position
    cross_scenarios: bool
    """Some scenario names a node of another tree (checked with the whole catalog)."""
    problems: tuple[Found, ...]
    """The problems that depend on this file alone."""

    def gid(self, index: int) -> str:
        """`tree:node` id of a node."""
        return f"{self.tree_id}:{self.nodes[index]}"

    def ends(self, index: int) -> bool:
        """Whether a walk from this node can end without leaving the tree."""
        return bool(self.masks[index] & 1)


def link_bits(mask: int) -> Iterator[int]:
    """The link numbers set in a node's mask."""
    mask >>= 1
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


COMPACT_ABOVE = 20_000
"""Graphs of more nodes than this are checked over lists of ints, not networkx."""


def _nx_graph(succ: Sequence[Sequence[int]]) -> nx.DiGraph[int]:
    import networkx as nx

    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_nodes_from(range(len(succ)))
    graph.add_edges_from((node, nxt) for node, nexts in enumerate(succ) for nxt in nexts)
    return graph


def strong_components(succ: Sequence[Sequence[int]]) -> list[list[int]]:
    """The strongly connected components of a graph over 0..n-1, sinks first: each
    after every component it leads to.

    networkx finds them (its condensation, in reverse topological order); a
    graph of more than `COMPACT_ABOVE` nodes goes through `_tarjan`, which
    tests/unit/test_crosstree.py holds to networkx's answers.
    """
    if len(succ) > COMPACT_ABOVE:
        return _tarjan(succ)
    import networkx as nx

    dag = nx.condensation(_nx_graph(succ))
    by_component: list[list[int]] = [[] for _ in range(len(dag))]
    for node, component in dag.graph["mapping"].items():
        by_component[component].append(node)
    return [by_component[c] for c in reversed(list(nx.topological_sort(dag)))]


def reached_from(succ: Sequence[Sequence[int]], start: int) -> set[int]:
    """The nodes a walk from `start` can come to, `start` included (networkx's
    descendants; a plain search over lists above `COMPACT_ABOVE` nodes)."""
    if len(succ) <= COMPACT_ABOVE:
        import networkx as nx

        return nx.descendants(_nx_graph(succ), start) | {start}
    seen = {start}
    stack = [start]
    while stack:
        for nxt in succ[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _tarjan(succ: Sequence[Sequence[int]]) -> list[list[int]]:
    """Tarjan's strongly connected components over 0..n-1, iteratively, sinks first:
    the same components as networkx's, in lists of ints (a tree of 100,000 nodes
    as a networkx graph costs 130 MB and 0.6 s more)."""
    count = len(succ)
    index = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in range(count):
        if index[root] >= 0:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [(root, 0)]
        while work:
            node, i = work[-1]
            nbrs = succ[node]
            if i < len(nbrs):
                work[-1] = (node, i + 1)
                nxt = nbrs[i]
                if index[nxt] < 0:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack[nxt] = True
                    work.append((nxt, 0))
                elif on_stack[nxt] and index[nxt] < low[node]:
                    low[node] = index[nxt]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component.append(member)
                    if member == node:
                        break
                out.append(component)
    return out


def cycle_text(succ: Callable[[str], Sequence[str]], component: list[str]) -> str:
    """One cycle through `component` (sorted `tree:node` ids), as `a --> b --> a`.

    The graph is made with each node's successors in the order they are
    written, as `dectree.check.graph.TreeGraph` makes it, so the text is the
    one its `cycle_text` gives. networkx is imported here only: most runs
    have no loop.
    """
    from dectree.check.graph import TreeGraph

    graph = TreeGraph()
    graph.graph.add_nodes_from(component)
    inside = set(component)
    for node in component:
        for nxt in succ(node):
            if nxt in inside:
                graph.graph.add_edge(node, nxt)
    return graph.cycle_text(component)


def tree_facts(loaded: LoadedTree, *, own_problems: bool = True) -> TreeFacts:
    """Everything about one loaded tree that does not depend on another file.

    Without `own_problems` (a tree loaded only as context for links) the
    checks of its content are not run and `problems` is empty.
    """
    tree = loaded.tree
    tree_id = tree.id
    names = tuple(tree.nodes)
    number = {name: i for i, name in enumerate(names)}
    found: list[Found] = []

    def add(p: Problem) -> None:
        found.append((p.line, p.column, p.code, p.message))

    if tree.start not in tree.nodes:
        hint = _did_you_mean(tree.start, list(tree.nodes))
        add(_at(loaded, ("start",), "DT200", f"start node {tree.start!r} does not exist{hint}"))
    succ: list[tuple[int, ...]] = []
    links: list[Link] = []
    masks: list[int] = []
    for node_id, node in tree.nodes.items():
        out: list[int] = []
        mask = 1 if is_terminal(node) else 0
        for edge in references(tree_id, node_id, node):
            if edge.target_tree == tree_id:
                target = number.get(edge.target_node)
                if target is None:
                    hint = _did_you_mean(edge.target_node, list(tree.nodes))
                    add(
                        _at(
                            loaded,
                            edge.loc,
                            "DT201",
                            f"reference to unknown node {edge.target_node!r}{hint}",
                        )
                    )
                elif target not in out:
                    out.append(target)
            else:
                mask |= 2 << len(links)
                out.append(-len(links) - 1)
                links.append(
                    Link(
                        number[node_id],
                        edge.ref,
                        edge.target_tree,
                        edge.target_node,
                        loaded.position(edge.loc),
                    )
                )
        succ.append(tuple(out))
        masks.append(mask)
        if isinstance(node, Question) and not node.choices:
            add(
                _at(
                    loaded,
                    ("nodes", node_id),
                    "DT203",
                    f"question {node_id!r} has no choices: the walk would stop here",
                    of_key=True,
                )
            )
    inner = [tuple(n for n in out if n >= 0) for out in succ]
    components = strong_components(inner)
    component_of = [0] * len(names)
    for c, members in enumerate(components):
        for member in members:
            component_of[member] = c
    longest = [0] * len(components)
    loops: list[Loop] = []
    looping: list[list[int]] = []
    for c, members in enumerate(components):  # sinks first: successors are done
        mask = 0
        best = 0
        for member in members:
            mask |= masks[member]
            for nxt in inner[member]:
                other = component_of[nxt]
                if other != c:
                    mask |= masks[nxt]
                    best = max(best, longest[other])
        for member in members:
            masks[member] = mask
        longest[c] = len(members) + best
        if len(members) > 1 or members[0] in inner[members[0]]:
            owner = min(members, key=lambda m: names[m])
            loops.append(Loop(owner, len(members), "", (0, 0)))
            looping.append(members)
    if loops:
        gids = [f"{tree_id}:{n}" for n in names]
        for loop, members in zip(loops, looping, strict=True):
            loop.text = cycle_text(
                lambda g: [gids[n] for n in inner[number[g.split(":", 1)[1]]]],
                sorted(gids[m] for m in members),
            )
            loop.position = loaded.position(("nodes", names[loop.owner]), of_key=True)
    start = number.get(tree.start, -1)
    seen = reached_from(inner, start) if start >= 0 else set()
    unreached = {
        i: loaded.position(("nodes", names[i]), of_key=True)
        for i in range(len(names))
        if i not in seen
    }
    if own_problems:
        for p in _content(loaded, None):
            add(p)
        for p in _scenarios(loaded, lambda t, n: tree.nodes.get(n) if t == tree_id else None, True):
            add(p)
    else:
        found.clear()
    cross_scenarios = any(
        split_ref(ref, tree_id)[0] != tree_id
        for scenario in tree.scenarios
        for ref in (
            scenario.start,
            scenario.expect,
            *(answer.at for answer in scenario.answers),
        )
        if ref is not None
    )
    return TreeFacts(
        tree_id=tree_id,
        id_position=loaded.position(("id",)),
        nodes=names,
        start=start,
        start_position=loaded.position(("start",)),
        succ=tuple(succ),
        links=tuple(links),
        masks=tuple(masks),
        unreached=unreached,
        loops=tuple(loops),
        longest=longest[component_of[start]] if start >= 0 else 0,
        review=tree.review.next_review,
        review_position=loaded.position(("review", "next_review")),
        cross_scenarios=cross_scenarios,
        problems=tuple(sorted(set(found), key=_found_order)),
    )


def _found_order(found: Found) -> tuple[int, int, str, str, str]:
    """`Problem` order within one file (line, column, level, code, message): kept sorted,
    a run's problems need little sorting."""
    line, column, code, message = found
    return line, column, CODES[code][0].value, code, message


def _at(
    loaded: LoadedTree, loc: tuple[str | int, ...], code: str, message: str, *, of_key: bool = False
) -> Problem:
    line, column = loaded.position(loc, of_key=of_key)
    return problem(loaded.path, line, column, code, message)


def _did_you_mean(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def did_you_mean(name: str, options: list[str]) -> str:
    """` (did you mean 'x'?)` for the closest of `options`, or nothing."""
    return _did_you_mean(name, options)


def _content(loaded: LoadedTree, today: dt.date | None) -> Iterator[Problem]:
    """Content rules of one tree; the review date (DT216) only when `today` is given."""
    tree = loaded.tree
    used: set[str] = set()
    contacts = set(tree.escalation)
    # variable -> (where it is first used in a command, how many commands use it)
    unexampled: dict[str, tuple[tuple[str | int, ...], int]] = {}
    for node_id, node in tree.nodes.items():
        base = ("nodes", node_id)
        for sub, text, is_command in placeholder_fields(node):
            if is_command:
                yield from _shell_places(loaded, (*base, *sub), text)
            for name in placeholders(text):
                used.add(name)
                spec = tree.variables.get(name)
                if is_command and spec is not None and not (spec.example or spec.default):
                    first, count = unexampled.get(name, ((*base, *sub), 0))
                    unexampled[name] = (first, count + 1)
                if name not in tree.variables:
                    hint = _did_you_mean(name, list(tree.variables))
                    yield _at(
                        loaded,
                        (*base, *sub),
                        "DT214",
                        f"{{{name}}} is not declared under 'variables'{hint}",
                    )
        if isinstance(node, Question):
            if not node.checks:
                yield _at(
                    loaded,
                    base,
                    "DT217",
                    f"question {node_id!r} names no check command that answers it",
                    of_key=True,
                )
            if len(node.choices) > 2 and not any(WAY_OUT_RE.match(c.label) for c in node.choices):
                yield _at(
                    loaded,
                    (*base, "choices"),
                    "DT225",
                    f"question {node_id!r} has {len(node.choices)} answers and none for what they "
                    'do not cover: add one labelled like "None of these" that leads somewhere useful',
                    of_key=True,
                )
            if len(node.choices) == 1:
                yield _at(
                    loaded,
                    (*base, "choices"),
                    "DT228",
                    f"question {node_id!r} has one answer: it is an action (kind: action, next: ...)",
                )
            elif len(node.choices) > MAX_CHOICES:
                yield _at(
                    loaded,
                    (*base, "choices", MAX_CHOICES),
                    "DT229",
                    f"question {node_id!r} has {len(node.choices)} answers: the keys 1-9 "
                    f"choose the first {MAX_CHOICES} only; split the question",
                )
            labels: dict[str, int] = {}
            for i, choice in enumerate(node.choices):
                norm = " ".join(choice.label.split()).casefold()
                if norm in labels:
                    yield _at(
                        loaded,
                        (*base, "choices", i, "label"),
                        "DT207",
                        f"choice label {choice.label!r} is used twice in {node_id!r} (first as choice {labels[norm] + 1})",
                    )
                labels.setdefault(norm, i)
                for r, rule in enumerate(choice.when):
                    yield from _rule(loaded, (*base, "choices", i, "when", r), node, rule)
                if split_ref(choice.next, tree.id) == (tree.id, node_id):
                    yield _at(
                        loaded,
                        (*base, "choices", i, "next"),
                        "DT208",
                        f"choice {choice.label!r} leads back to {node_id!r} itself",
                    )
        elif isinstance(node, Conclusion):
            if not any(s.strip() for s in node.symptoms):
                yield _at(
                    loaded,
                    base,
                    "DT226",
                    f"conclusion {node_id!r} has no symptoms: search cannot find it from an error "
                    "message or a description; add the literal error and a plain-words one",
                    of_key=True,
                )
            if not node.resolution:
                yield _at(
                    loaded,
                    base,
                    "DT212",
                    f"conclusion {node_id!r} has no resolution steps",
                    of_key=True,
                )
            if node.outcome is Outcome.escalate and node.level is None:
                yield _at(
                    loaded,
                    (*base, "outcome"),
                    "DT219",
                    f"conclusion {node_id!r} escalates but names no level (L1, L2 or L3)",
                )
            if node.level is not None and node.level not in contacts:
                yield _at(loaded, (*base, "level"), "DT211", _no_contact(node.level))
        elif isinstance(node, Escalation):
            if not node.reason.strip():
                yield _at(
                    loaded, (*base, "reason"), "DT213", f"escalation {node_id!r} gives no reason"
                )
            if node.level not in contacts:
                yield _at(loaded, (*base, "level"), "DT211", _no_contact(node.level))
    for name, (first, count) in unexampled.items():
        others = f" (and {count - 1} more command{'s' if count > 2 else ''})" if count > 1 else ""
        yield _at(
            loaded,
            first,
            "DT227",
            f"{{{name}}} in this command{others} has no example: add 'example:' to variable "
            f"{name!r} so the command can be shown filled in and checked",
        )
    for name in tree.variables:
        if name not in used:
            yield _at(
                loaded,
                ("variables", name),
                "DT215",
                f"variable {name!r} is declared but no command uses it",
                of_key=True,
            )
    if today is not None and tree.review.next_review < today:
        yield _at(
            loaded,
            ("review", "next_review"),
            "DT216",
            f"review was due on {tree.review.next_review.isoformat()} ({(today - tree.review.next_review).days} days ago)",
        )


def _rule(
    loaded: LoadedTree, loc: tuple[str | int, ...], node: Question, rule: Rule
) -> Iterator[Problem]:
    """DT223 for a rule that cannot match, DT224 for one on a check it cannot run."""
    if rule.output is None and rule.exit is None:
        yield _at(
            loaded, loc, "DT223", "rule gives neither 'output' nor 'exit': it would never match"
        )
    if rule.output is not None:
        try:
            compile_rule(rule.output)
        except RuleError as exc:
            yield _at(loaded, (*loc, "output"), "DT223", f"output is not an RE2 expression: {exc}")
    if not node.checks:
        yield _at(loaded, loc, "DT224", "rule on a question that has no checks")
        return
    targets = range(len(node.checks))
    if rule.check is not None:
        index = check_index(node.checks, rule.check)
        if index is None:
            names = [c.name for c in node.checks if c.name]
            hint = _did_you_mean(str(rule.check), names) if isinstance(rule.check, str) else ""
            yield _at(
                loaded,
                (*loc, "check"),
                "DT224",
                f"rule names check {rule.check!r}, but the question has {len(node.checks)} check(s){hint}",
            )
            return
        targets = range(index, index + 1)
    if not any(node.checks[t].runnable for t in targets):
        yield _at(
            loaded,
            loc,
            "DT224",
            "rule on a check marked 'runnable: false': no run will ever give it output",
        )


def _shell_places(loaded: LoadedTree, loc: tuple[str | int, ...], text: str) -> Iterator[Problem]:
    """DT221/DT222 for the placeholders the filler would refuse to fill, one per reason."""
    refused: dict[tuple[str, str], list[str]] = {}
    for name, place in zip(placeholders(text), contexts(text), strict=True):
        if place.code is not None and place.reason is not None:
            names = refused.setdefault((place.code, place.reason), [])
            if name not in names:
                names.append(name)
    for (code, reason), names in refused.items():
        shown = ", ".join("{" + n + "}" for n in names)
        yield _at(loaded, loc, code, f"{shown} cannot be filled safely: {reason}")


def _no_contact(level: Level) -> str:
    return f"escalates to {level.value}, but the tree's 'escalation' metadata has no {level.value} contact"


def _scenarios(
    loaded: LoadedTree, node: Callable[[str, str], AnyNode | None], own: bool
) -> Iterator[Problem]:
    """Scenario references (DT220, DT224): those into the tree itself (`own`), or the others.

    `node` finds a node by tree id and node id, as `Catalog.node` does.
    """
    from dectree.engine.walk import LABEL_FIXED, LABEL_NOT_FIXED  # its event models: only here

    tree = loaded.tree

    def mine(ref: str) -> bool:
        return (split_ref(ref, tree.id)[0] == tree.id) == own

    for i, scenario in enumerate(tree.scenarios):
        base = ("scenarios", i)
        for key, ref in (("start", scenario.start), ("expect", scenario.expect)):
            if ref is not None and mine(ref) and node(*split_ref(ref, tree.id)) is None:
                yield _at(
                    loaded,
                    (*base, key),
                    "DT220",
                    f"scenario {scenario.name!r}: {key} {ref!r} is not a node",
                )
        for j, answer in enumerate(scenario.answers):
            if not mine(answer.at):
                continue
            found = node(*split_ref(answer.at, tree.id))
            if found is None:
                yield _at(
                    loaded,
                    (*base, "answers", j, "at"),
                    "DT220",
                    f"scenario {scenario.name!r}: {answer.at!r} is not a node",
                )
            elif isinstance(found, Conclusion):
                if answer.choose not in (LABEL_FIXED, LABEL_NOT_FIXED):
                    yield _at(
                        loaded,
                        (*base, "answers", j, "choose"),
                        "DT220",
                        f"scenario {scenario.name!r}: at conclusion {answer.at!r} choose {LABEL_FIXED!r} or {LABEL_NOT_FIXED!r}",
                    )
            elif not isinstance(found, Question):
                yield _at(
                    loaded,
                    (*base, "answers", j, "at"),
                    "DT220",
                    f"scenario {scenario.name!r}: {answer.at!r} is not a question",
                )
            elif answer.check is not None and check_index(found.checks, answer.check) is None:
                yield _at(
                    loaded,
                    (*base, "answers", j, "check"),
                    "DT224",
                    f"scenario {scenario.name!r}: {answer.at!r} has no check {answer.check!r}",
                )
            elif answer.choose not in [c.label for c in found.choices]:
                hint = _did_you_mean(answer.choose, [c.label for c in found.choices])
                yield _at(
                    loaded,
                    (*base, "answers", j, "choose"),
                    "DT220",
                    f"scenario {scenario.name!r}: {answer.at!r} has no choice {answer.choose!r}{hint}",
                )


def cross_scenarios(
    loaded: LoadedTree, node: Callable[[str, str], AnyNode | None]
) -> Iterator[Problem]:
    """Scenario references into other trees, with `node` looking over every loaded tree."""
    return _scenarios(loaded, node, False)
