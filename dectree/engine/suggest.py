"""Answers suggested by a check's output: the `when:` rules of a question's choices.

A rule matches when its `output` expression is found in the output (RE2
syntax, `^` and `$` at line ends; RE2 runs in time linear in the output, so no
rule can backtrack catastrophically on hostile output) and, if it gives
`exit`, the check exited with one of those codes. A rule with `check:` only
looks at that check (its 0-based index or its `name`); without it, at any.
A choice is suggested when any of its rules matches. Nothing here chooses:
the engineer does, and the views only mark the suggestions.

Used by the app after a run, by `dectree test` on scenario outputs, and by
the MCP server when an agent reports what a check printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dectree.model.tree import Command, Question, Rule

MAX_LINE_SHOWN = 300


class RuleError(ValueError):
    """A rule's expression does not compile as RE2."""


@dataclass(frozen=True)
class Suggestion:
    """A choice whose rule matched: which, by which rule, and the line that matched."""

    choice: int
    label: str
    rule: int
    line: str | None = None
    line_number: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept in `check_ran` events."""
        return {
            "choice": self.choice,
            "label": self.label,
            "rule": self.rule,
            "line": self.line,
            "line_number": self.line_number,
        }


@lru_cache(maxsize=2048)
def compile_rule(pattern: str) -> Any:
    """The compiled RE2 expression of a rule's `output`; `RuleError` if it does not compile."""
    import re2  # google-re2: only loaded where rules are evaluated

    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile("(?m)" + pattern, options=options)
    except UnicodeEncodeError:
        raise RuleError("the expression holds a character that is not valid Unicode") from None
    except re2.error as exc:
        message = exc.args[0] if exc.args else exc
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        raise RuleError(str(message).replace("(?m)", "", 1)) from None


def check_index(checks: list[Command], ref: int | str) -> int | None:
    """The index of the check a rule's `check:` names, or None if there is none."""
    if isinstance(ref, int):
        return ref if 0 <= ref < len(checks) else None
    for index, check in enumerate(checks):
        if check.name == ref:
            return index
    return None


def rule_matches(
    rule: Rule, checks: list[Command], check: int, output: str, exit_code: int | None
) -> tuple[bool, str | None, int | None]:
    """Whether `rule` matches one run; with the matching line and its 1-based number."""
    if rule.check is not None and check_index(checks, rule.check) != check:
        return False, None, None
    if rule.exit is not None:
        codes = rule.exit if isinstance(rule.exit, list) else [rule.exit]
        if exit_code is None or exit_code not in codes:
            return False, None, None
    if rule.output is None:
        return (rule.exit is not None), None, None
    try:
        pattern = compile_rule(rule.output)
    except RuleError:
        return False, None, None
    try:
        found = pattern.search(output)
    except UnicodeEncodeError:  # lone surrogates (from a YAML escape): matched as U+FFFD
        output = output.encode("utf-8", "replace").decode("utf-8")
        found = pattern.search(output)
    if found is None:
        return False, None, None
    start = output.rfind("\n", 0, found.start()) + 1
    end = output.find("\n", found.start())
    line = output[start : len(output) if end < 0 else end]
    if len(line) > MAX_LINE_SHOWN:
        line = line[:MAX_LINE_SHOWN] + "…"
    return True, line, output.count("\n", 0, start) + 1


def suggest(node: Question, check: int, output: str, exit_code: int | None) -> list[Suggestion]:
    """The choices of `node` whose rules match the output of check `check`, in order."""
    found: list[Suggestion] = []
    for index, choice in enumerate(node.choices):
        for number, rule in enumerate(choice.when):
            matched, line, line_number = rule_matches(
                rule, node.checks, check, output, exit_code
            )
            if matched:
                found.append(Suggestion(index, choice.label, number, line, line_number))
                break
    return found
