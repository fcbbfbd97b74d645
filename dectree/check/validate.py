"""Checks over loaded trees: graph structure, content rules and scenarios.

`validate_catalog` returns `Problem` records, sorted; formatting belongs to the
caller. Every check has a stable code from `dectree.source.problems.CODES`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dectree.engine.shellctx import contexts
from dectree.engine.suggest import RuleError, check_index, compile_rule
from dectree.engine.walk import LABEL_FIXED, LABEL_NOT_FIXED
from dectree.model.catalog import Catalog, LoadedTree
from dectree.model.tree import (
    Conclusion,
    Escalation,
    Level,
    Outcome,
    Question,
    Rule,
    placeholder_fields,
    placeholders,
    split_ref,
)
from dectree.source.problems import DEFAULT_MAX_PATH, Problem, problem

if TYPE_CHECKING:
    from dectree.check.graph import TreeGraph

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


def validate_catalog(
    catalog: Catalog, *, today: dt.date | None = None, max_path: int = DEFAULT_MAX_PATH
) -> list[Problem]:
    """Every problem in the catalog: load problems first, then all checks, sorted."""
    today = today or dt.date.today()
    # networkx is imported here, not at the top: `dectree validate` served from
    # its cache, and every other command, start without it.
    from dectree.check.graph import TreeGraph

    graph = TreeGraph.build(catalog)
    found = list(catalog.problems)
    found.extend(_references(catalog, graph))
    found.extend(_structure(catalog, graph, max_path))
    for loaded in catalog.checked.values():
        found.extend(_content(loaded, today))
        found.extend(_scenarios(catalog, loaded))
    context = {t.path for t in catalog.trees.values() if t.context}
    return sorted({p for p in found if p.path not in context})


def _at(
    loaded: LoadedTree, loc: tuple[str | int, ...], code: str, message: str, *, of_key: bool = False
) -> Problem:
    line, column = loaded.position(loc, of_key=of_key)
    return problem(loaded.path, line, column, code, message)


def _did_you_mean(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _references(catalog: Catalog, graph: TreeGraph) -> Iterator[Problem]:
    for edge in graph.dangling:
        source_tree = edge.source.split(":", 1)[0]
        loaded = catalog.trees[source_tree]
        target = catalog.trees.get(edge.target_tree)
        if edge.target_tree == source_tree:
            hint = _did_you_mean(edge.target_node, list(loaded.tree.nodes))
            yield _at(
                loaded, edge.loc, "DT201", f"reference to unknown node {edge.target_node!r}{hint}"
            )
        elif target is None:
            hint = _did_you_mean(edge.target_tree, list(catalog.trees))
            yield _at(
                loaded,
                edge.loc,
                "DT209",
                f"link {edge.ref!r} to tree {edge.target_tree!r}, which is not loaded{hint}",
            )
        else:
            hint = _did_you_mean(edge.target_node, list(target.tree.nodes))
            yield _at(
                loaded,
                edge.loc,
                "DT210",
                f"link {edge.ref!r}: tree {edge.target_tree!r} has no node {edge.target_node!r}{hint}",
            )


def _structure(catalog: Catalog, graph: TreeGraph, max_path: int) -> Iterator[Problem]:
    from dectree.check.graph import gid

    reachable = graph.reachable()
    finishing = graph.can_finish()
    owner = {
        gid(t, n): (loaded, n) for t, loaded in catalog.trees.items() for n in loaded.tree.nodes
    }
    for tree_id, loaded in catalog.trees.items():
        tree = loaded.tree
        if tree.start not in tree.nodes:
            hint = _did_you_mean(tree.start, list(tree.nodes))
            yield _at(
                loaded, ("start",), "DT200", f"start node {tree.start!r} does not exist{hint}"
            )
        for node_id, node in tree.nodes.items():
            if gid(tree_id, node_id) not in reachable:
                yield _at(
                    loaded,
                    ("nodes", node_id),
                    "DT202",
                    f"node {node_id!r} cannot be reached from any start",
                    of_key=True,
                )
            if isinstance(node, Question) and not node.choices:
                yield _at(
                    loaded,
                    ("nodes", node_id),
                    "DT203",
                    f"question {node_id!r} has no choices: the walk would stop here",
                    of_key=True,
                )
        start = gid(tree_id, tree.start)
        if start in graph.graph:
            own = {n for n in (gid(tree_id, k) for k in tree.nodes) if n in reachable}
            length = graph.longest_path(start, own)
            if length > max_path:
                yield _at(
                    loaded,
                    ("start",),
                    "DT218",
                    f"longest path from the start is {length} steps (limit {max_path}): consider splitting the tree",
                )
    for component in graph.loops():
        loaded, node_id = owner[component[0]]
        if not finishing.intersection(component):
            yield _at(
                loaded,
                ("nodes", node_id),
                "DT205",
                f"loop with no way out to a conclusion or escalation: {graph.cycle_text(component)}",
                of_key=True,
            )
        elif len(component) > 1:
            yield _at(
                loaded,
                ("nodes", node_id),
                "DT206",
                f"loop that can be left: {graph.cycle_text(component)}",
                of_key=True,
            )


def _content(loaded: LoadedTree, today: dt.date) -> Iterator[Problem]:
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
    if tree.review.next_review < today:
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
        yield _at(loaded, loc, "DT223", "rule gives neither 'output' nor 'exit': it would never match")
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


def _scenarios(catalog: Catalog, loaded: LoadedTree) -> Iterator[Problem]:
    tree = loaded.tree
    for i, scenario in enumerate(tree.scenarios):
        base = ("scenarios", i)
        for key, ref in (("start", scenario.start), ("expect", scenario.expect)):
            if ref is not None and catalog.node(*split_ref(ref, tree.id)) is None:
                yield _at(
                    loaded,
                    (*base, key),
                    "DT220",
                    f"scenario {scenario.name!r}: {key} {ref!r} is not a node",
                )
        for j, answer in enumerate(scenario.answers):
            node = catalog.node(*split_ref(answer.at, tree.id))
            if node is None:
                yield _at(
                    loaded,
                    (*base, "answers", j, "at"),
                    "DT220",
                    f"scenario {scenario.name!r}: {answer.at!r} is not a node",
                )
            elif isinstance(node, Conclusion):
                if answer.choose not in (LABEL_FIXED, LABEL_NOT_FIXED):
                    yield _at(
                        loaded,
                        (*base, "answers", j, "choose"),
                        "DT220",
                        f"scenario {scenario.name!r}: at conclusion {answer.at!r} choose {LABEL_FIXED!r} or {LABEL_NOT_FIXED!r}",
                    )
            elif not isinstance(node, Question):
                yield _at(
                    loaded,
                    (*base, "answers", j, "at"),
                    "DT220",
                    f"scenario {scenario.name!r}: {answer.at!r} is not a question",
                )
            elif answer.check is not None and check_index(node.checks, answer.check) is None:
                yield _at(
                    loaded,
                    (*base, "answers", j, "check"),
                    "DT224",
                    f"scenario {scenario.name!r}: {answer.at!r} has no check {answer.check!r}",
                )
            elif answer.choose not in [c.label for c in node.choices]:
                hint = _did_you_mean(answer.choose, [c.label for c in node.choices])
                yield _at(
                    loaded,
                    (*base, "answers", j, "choose"),
                    "DT220",
                    f"scenario {scenario.name!r}: {answer.at!r} has no choice {answer.choose!r}{hint}",
                )
