"""Scenario tests: walk each tree's `scenarios` through the real `Session`.

A scenario names its answers (`at` a question, `choose` a label exactly) and the
node the walk must end at (`expect`). Actions and escalations that continue are
passed automatically; the walk stops at a conclusion or a final escalation. At
a conclusion, an answer `at` it choosing `Fixed` or `Not fixed` confirms the
fix, so scenarios can follow `if_not_fixed` too.

The runner also reports conclusions and escalation nodes that no scenario
visits. Results are data (`ScenarioReport`); `format_text` and `to_json` are the
two ways to show them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dectree.engine.session import LABEL_FIXED, LABEL_NOT_FIXED, Session, SessionState, WalkError
from dectree.engine.suggest import check_index, suggest
from dectree.model.catalog import Catalog
from dectree.model.tree import (
    Conclusion,
    Escalation,
    Question,
    Scenario,
    ScenarioAnswer,
    Tree,
    is_terminal,
    split_ref,
)
from dectree.source.problems import Problem

MAX_STEPS = 1_000


@dataclass(frozen=True)
class ScenarioResult:
    """How one scenario went, with the path it took and where it went wrong."""

    tree_id: str
    name: str
    path: str
    line: int
    column: int
    passed: bool
    taken: tuple[str, ...]
    reason: str | None = None
    diverged_at: str | None = None


@dataclass(frozen=True)
class Uncovered:
    """A conclusion or escalation node that no scenario reaches."""

    tree_id: str
    node_id: str
    kind: str
    path: str
    line: int
    column: int

    def line_text(self, strict: bool = False) -> str:
        """`path:line:col: warning: ...` (an error under --strict)."""
        level = "error" if strict else "warning"
        return (
            f"{self.path}:{self.line}:{self.column}: {level}: {self.kind} "
            f"'{self.tree_id}:{self.node_id}' is not covered by any scenario"
        )


@dataclass
class ScenarioReport:
    """Every scenario result, the uncovered terminal nodes, and load problems."""

    results: list[ScenarioResult] = field(default_factory=list)
    uncovered: list[Uncovered] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def passed(self) -> int:
        """How many scenarios passed."""
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        """How many scenarios failed."""
        return len(self.results) - self.passed

    def ok(self, strict: bool = False) -> bool:
        """No failure, no load problem, and under `strict` nothing uncovered."""
        return not self.failed and not self.problems and not (strict and self.uncovered)

    @property
    def summary(self) -> str:
        """`N scenarios, N passed, N failed`."""
        total = len(self.results)
        noun = "scenario" if total == 1 else "scenarios"
        return f"{total} {noun}, {self.passed} passed, {self.failed} failed"


class _Failed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def walk_scenario(
    trees: Mapping[str, Tree], tree_id: str, scenario: Scenario
) -> tuple[tuple[str, ...], str | None, str | None]:
    """Walk one scenario of tree `tree_id`: (path taken, why it failed, where it diverged).

    Node ids in the path are bare in the scenario's tree and `tree:node` elsewhere.
    """

    def show(where: tuple[str, str]) -> str:
        return where[1] if where[0] == tree_id else f"{where[0]}:{where[1]}"

    session = Session(trees)
    reason: str | None = None
    try:
        _drive(session, tree_id, scenario, show)
    except _Failed as failure:
        reason = failure.reason
    except WalkError as exc:
        reason = str(exc)
    taken = tuple(show((s.tree_id, s.node_id)) for s in session.path)
    return taken, reason, (taken[-1] if reason and taken else None)


def _drive(
    session: Session, tree_id: str, scenario: Scenario, show: Callable[[tuple[str, str]], str]
) -> None:
    """Answer the scenario's questions; raise `_Failed` at the first mismatch."""
    answers = list(scenario.answers)
    start = split_ref(scenario.start or session.trees[tree_id].start, tree_id)
    try:
        session.start(*start)
    except WalkError as exc:
        raise _Failed(f"cannot start at {show(start)}: {exc}") from None
    for _ in range(MAX_STEPS):
        if session.state is not SessionState.walking:
            break
        here = (session.current.tree_id, session.current.node_id)
        node = session.node
        pending = split_ref(answers[0].at, tree_id) if answers else None
        if isinstance(node, Question):
            if pending is None:
                raise _Failed(f"ran out of answers at question {show(here)}")
            if pending != here:
                raise _Failed(f"expected to be at {show(pending)}, was at {show(here)}")
            answer = answers.pop(0)
            label = answer.choose
            if label not in [c.label for c in node.choices]:
                labels = ", ".join(repr(c.label) for c in node.choices)
                raise _Failed(f"no choice {label!r} at {show(here)}; the choices are: {labels}")
            if answer.output is not None or answer.exit is not None:
                _check_rules(node, answer, show(here))
            session.choose(label)
        elif isinstance(node, Conclusion) and pending == here:
            label = answers.pop(0).choose
            if label not in (LABEL_FIXED, LABEL_NOT_FIXED):
                raise _Failed(
                    f"at conclusion {show(here)} choose {LABEL_FIXED!r} or "
                    f"{LABEL_NOT_FIXED!r}, not {label!r}"
                )
            session.confirm_fixed(label == LABEL_FIXED)
        elif is_terminal(node):
            break
        else:
            session.proceed()
    else:
        raise _Failed(f"the walk did not end within {MAX_STEPS} steps")
    end = (session.current.tree_id, session.current.node_id)
    expect = split_ref(scenario.expect, tree_id)
    if end != expect:
        raise _Failed(f"expected to end at {show(expect)}, ended at {show(end)}")
    if answers:
        unused = ", ".join(f"{a.at} -> {a.choose!r}" for a in answers)
        raise _Failed(f"answers never used: {unused}")


def _check_rules(node: Question, answer: ScenarioAnswer, where: str) -> None:
    """The `when:` rules must suggest exactly the scenario's answer from its output."""
    check = 0 if answer.check is None else check_index(node.checks, answer.check)
    if check is None:
        raise _Failed(f"at {where}: no check {answer.check!r}")
    suggested = suggest(node, check, answer.output or "", answer.exit)
    labels = [s.label for s in suggested]
    if labels == [answer.choose]:
        return
    if not labels:
        raise _Failed(f"at {where}: the output suggests no answer; expected {answer.choose!r}")
    shown = ", ".join(repr(label) for label in labels)
    raise _Failed(f"at {where}: the output suggests {shown}; expected only {answer.choose!r}")


def run_scenarios(catalog: Catalog) -> ScenarioReport:
    """Run every scenario of every loaded tree, and find uncovered terminal nodes."""
    trees = {tree_id: loaded.tree for tree_id, loaded in catalog.trees.items()}
    report = ScenarioReport(problems=list(catalog.problems))
    visited: set[tuple[str, str]] = set()
    for tree_id in sorted(catalog.checked):
        loaded = catalog.trees[tree_id]
        for i, scenario in enumerate(loaded.tree.scenarios):
            taken, reason, at = walk_scenario(trees, tree_id, scenario)
            visited |= {split_ref(ref, tree_id) for ref in taken}
            line, column = loaded.position(("scenarios", i))
            report.results.append(
                ScenarioResult(
                    tree_id,
                    scenario.name,
                    loaded.path,
                    line,
                    column,
                    passed=reason is None,
                    taken=taken,
                    reason=reason,
                    diverged_at=at,
                )
            )
    for tree_id in sorted(catalog.checked):
        loaded = catalog.trees[tree_id]
        for node_id, node in loaded.tree.nodes.items():
            if isinstance(node, (Conclusion, Escalation)) and (tree_id, node_id) not in visited:
                line, column = loaded.position(("nodes", node_id))
                report.uncovered.append(
                    Uncovered(tree_id, node_id, node.kind, loaded.path, line, column)
                )
    return report


def format_text(report: ScenarioReport, *, strict: bool = False) -> list[str]:
    """The report as lines of text, summary last."""
    lines = [str(p) for p in report.problems]
    for r in report.results:
        if r.passed:
            lines.append(f"PASS {r.tree_id}: {r.name}")
            continue
        lines.append(f"FAIL {r.tree_id}: {r.name} ({r.path}:{r.line}:{r.column})")
        lines.append(f"  path: {' -> '.join(r.taken) or '(none)'}")
        where = f"diverged at {r.diverged_at}: " if r.diverged_at else ""
        lines.append(f"  {where}{r.reason}")
    lines.extend(u.line_text(strict) for u in report.uncovered)
    if report.problems:
        count = len(report.problems)
        lines.append(f"{count} load problem{'s' if count != 1 else ''}: trees not tested")
    lines.append(report.summary)
    return lines


def to_json(report: ScenarioReport, *, strict: bool = False) -> dict[str, Any]:
    """The report as a JSON-ready dict."""
    return {
        "scenarios": [
            {
                "tree": r.tree_id,
                "name": r.name,
                "path": r.path,
                "line": r.line,
                "column": r.column,
                "passed": r.passed,
                "taken": list(r.taken),
                "reason": r.reason,
                "diverged_at": r.diverged_at,
            }
            for r in report.results
        ],
        "uncovered": [
            {
                "tree": u.tree_id,
                "node": u.node_id,
                "kind": u.kind,
                "path": u.path,
                "line": u.line,
                "column": u.column,
            }
            for u in report.uncovered
        ],
        "problems": [p.to_dict() for p in report.problems],
        "total": len(report.results),
        "passed": report.passed,
        "failed": report.failed,
        "ok": report.ok(strict),
    }
