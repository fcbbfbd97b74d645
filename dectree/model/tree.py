"""The tree format: pydantic models that are the single description of a tree.

The JSON Schema (`dectree schema`), the format documentation and the loader's
validation all come from these classes. Every model forbids unknown keys, so a
typo in a YAML tree is reported instead of silently ignored.

A node reference is either a node id in the same tree (`conn-exhausted`) or a
link into another tree written `tree-id:node-id` (`connectivity:dns`).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
REF_PATTERN = r"^([a-z0-9][a-z0-9_.-]*:)?[a-z0-9][a-z0-9_.-]*$"
VAR_PATTERN = r"^[a-z_][a-z0-9_]*$"
# `{name}` is a placeholder, except where the braces belong to the command's
# own syntax: shell `${name}`, curl `%{http_code}`, templates `{{name}}`; and
# `\{name}` is the escape for a literal `{name}` (kubectl jsonpath's `{end}`).
PLACEHOLDER_RE = re.compile(r"(?<![$%{\\])\{([a-z_][a-z0-9_]*)\}(?!\})")
ESCAPED_RE = re.compile(r"\\(\{[a-z_][a-z0-9_]*\})")

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=100)]
Ref = Annotated[str, StringConstraints(pattern=REF_PATTERN, max_length=201)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Line = Annotated[str, StringConstraints(max_length=2_000)]

_FIELD_SETS: dict[frozenset[str], set[str]] = {}
"""One set per combination of given fields, shared by the instances that have it."""


class Strict(BaseModel):
    """Base for every model of the format: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    def model_post_init(self, context: Any, /) -> None:
        # pydantic gives every instance its own set of the fields it was given
        # (a third of a large tree's memory: 100 MB at 100,000 nodes); the
        # models are frozen, so instances given the same fields share one.
        fields = self.__pydantic_fields_set__
        object.__setattr__(
            self, "__pydantic_fields_set__", _FIELD_SETS.setdefault(frozenset(fields), fields)
        )


class Level(str, Enum):
    """Escalation levels, from first line support to engineering."""

    L1 = "L1"
    L2 = "L2"
    L3 = "L3"


class Outcome(str, Enum):
    """How a conclusion ends the walk."""

    resolved = "resolved"
    workaround = "workaround"
    escalate = "escalate"


class Contact(Strict):
    """Who takes an escalation at one level."""

    team: Line = Field(description="Team that owns this level, e.g. 'Platform SRE'.")
    channel: Line = Field(
        description="How to reach them: pager service, chat channel, phone, ticket queue."
    )
    when: Text = Field(description="When to escalate to this level.")
    response_target: Line | None = Field(
        default=None, description="Agreed response time, e.g. '15 minutes (P1)'."
    )


class ChangelogEntry(Strict):
    """One line of a tree's change history."""

    date: dt.date
    author: Line
    change: Text


class Review(Strict):
    """When the tree was last reviewed and when it is due again."""

    last_updated: dt.date
    updated_by: Line
    next_review: dt.date
    changelog: list[ChangelogEntry] = Field(default_factory=list)


class Variable(Strict):
    """A placeholder used in commands as `{name}`."""

    description: Text
    example: Line | None = None
    default: Line | None = None
    secret: bool = Field(default=False, description="Never written to journals or transcripts.")


class Reference(Strict):
    """A primary source the tree's content relies on."""

    title: Line
    url: Line


class Command(Strict):
    """A command to run, and what to look for in its output."""

    run: Text = Field(description="The command; `{name}` placeholders are filled from variables.")
    look_for: Text | None = Field(
        default=None, description="What in the output answers the question."
    )
    where: Line | None = Field(
        default=None, description="Where to run it, e.g. 'on the database host', 'kubectl context'."
    )
    name: Id | None = Field(
        default=None, description="A name that `when:` rules and scenario steps use for this check."
    )
    runnable: bool = Field(
        default=True,
        description="`false` for commands that must not be run from dectree (destructive, interactive, or run elsewhere): copy only.",
    )
    timeout: Annotated[int, Field(ge=1, le=3600)] | None = Field(
        default=None, description="Seconds before a run from dectree is stopped (default 30)."
    )


class Rule(Strict):
    """When a check's output suggests a choice: an RE2 expression and/or exit codes."""

    output: Line | None = Field(
        default=None,
        description="RE2 regular expression searched in the output; `^` and `$` match at line ends; `(?i)` ignores case.",
    )
    exit: int | list[int] | None = Field(
        default=None, description="Exit code (or list of codes) the check must have ended with."
    )
    check: int | Id | None = Field(
        default=None,
        description="Which check (0-based index or `name`); default any check of the question.",
    )


class Choice(Strict):
    """One answer to a question and the node it leads to."""

    label: Line
    next: Ref
    when: list[Rule] = Field(
        default_factory=list,
        description="Rules on the question's checks; a match marks this choice as suggested by the output.",
    )


class Step(Strict):
    """One step of a resolution: what to do, optionally with a command."""

    do: Text
    run: Text | None = None
    where: Line | None = Field(
        default=None, description="Where to run it, e.g. 'on the database host'."
    )


class NodeBase(Strict):
    """Fields every node kind shares."""

    title: Line | None = Field(
        default=None, description="Short name for outlines and search results."
    )
    symptoms: list[Line] = Field(
        default_factory=list,
        description="Literal error strings or phrases an engineer would paste, for search.",
    )
    references: list[Reference] = Field(default_factory=list)


class Question(NodeBase):
    """A question answered by running a check."""

    kind: Literal["question"]
    prompt: Text
    detail: Text | None = Field(default=None, description="Markdown shown under the prompt.")
    checks: list[Command] = Field(default_factory=list)
    choices: list[Choice] = Field(default_factory=list)


class Action(NodeBase):
    """An instruction step with commands, a way to verify it, and one next node."""

    kind: Literal["action"]
    prompt: Text
    detail: Text | None = None
    commands: list[Command] = Field(default_factory=list)
    verify: Text | None = None
    next: Ref


class Conclusion(NodeBase):
    """The end of a walk: a root cause and what to do about it."""

    kind: Literal["conclusion"]
    outcome: Outcome
    level: Level | None = Field(
        default=None, description="With outcome 'escalate': the level to escalate to."
    )
    root_cause: Text
    detail: Text | None = None
    resolution: list[Step] = Field(default_factory=list)
    verify: Text | None = None
    rollback: Text | None = None
    if_not_fixed: Ref | None = Field(
        default=None,
        description="Where to go when the resolution did not fix the problem, usually an escalation node.",
    )


class Escalation(NodeBase):
    """Hand the incident to a higher level; ends the walk unless it has a next node."""

    kind: Literal["escalation"]
    level: Level
    reason: Text
    attach: list[Line] = Field(
        default_factory=list, description="What to attach to the escalation."
    )
    next: Ref | None = Field(
        default=None, description="Continue the walk here (e.g. while waiting for L2)."
    )


Node = Annotated[
    Question | Action | Conclusion | Escalation,
    Field(discriminator="kind"),
]


class ScenarioAnswer(Strict):
    """One answer in a scenario: at which node, which choice, and what the check showed."""

    at: Ref
    choose: Line
    output: Text | None = Field(
        default=None,
        description="Output of the question's check in the incident; `dectree test` checks the `when:` rules suggest `choose` from it.",
    )
    exit: int | None = Field(default=None, description="Exit code of that check, if it matters.")
    check: int | Id | None = Field(
        default=None, description="Which check printed `output` (index or name); default 0."
    )


class Scenario(Strict):
    """A realistic incident walked through the tree by `dectree test`."""

    name: Line
    incident: Text = Field(description="The incident in a sentence or two.")
    source: Line | None = Field(default=None, description="Public source of the incident.")
    start: Ref | None = Field(default=None, description="Start node, default the tree's start.")
    answers: list[ScenarioAnswer]
    expect: Ref = Field(description="The conclusion or escalation the walk must reach.")


class Tree(Strict):
    """A troubleshooting decision tree with its runbook metadata."""

    id: Id
    title: Line
    version: Line
    purpose: Text
    scope: Text
    method: Text | None = Field(
        default=None, description="The recognised method the tree follows, e.g. the USE method."
    )
    prerequisites: list[Line] = Field(default_factory=list)
    owners: list[Line] = Field(default_factory=list)
    tags: list[Line] = Field(default_factory=list)
    symptoms: list[Line] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    escalation: dict[Level, Contact] = Field(default_factory=dict)
    review: Review
    variables: dict[Annotated[str, StringConstraints(pattern=VAR_PATTERN)], Variable] = Field(
        default_factory=dict
    )
    start: Id
    nodes: dict[Id, Node]
    scenarios: list[Scenario] = Field(default_factory=list)


def unescape(text: str) -> str:
    """Literal text as shown and run: `\\{name}` becomes `{name}`."""
    return ESCAPED_RE.sub(r"\1", text)


def placeholders(text: str) -> list[str]:
    """The `{name}` placeholders in a command, in order of appearance."""
    return PLACEHOLDER_RE.findall(text)


def split_ref(ref: str, tree_id: str) -> tuple[str, str]:
    """Split a node reference into (tree id, node id), defaulting to `tree_id`."""
    tree, sep, node = ref.rpartition(":")
    return (tree if sep else tree_id), node


def node_commands(node: Question | Action | Conclusion | Escalation) -> list[str]:
    """Every command text a node carries."""
    if isinstance(node, Question):
        return [c.run for c in node.checks]
    if isinstance(node, Action):
        return [c.run for c in node.commands]
    if isinstance(node, Conclusion):
        return [s.run for s in node.resolution if s.run]
    return []


def placeholder_fields(node: AnyNode) -> list[tuple[tuple[str | int, ...], str, bool]]:
    """Every text of a node where `{name}` placeholders are filled.

    Each item is (model path below the node, text, whether it is a command).
    Commands get shell-quoted values; the other texts (what to look for, how
    to verify, roll back or do a step) get the values as they are.
    """
    out: list[tuple[tuple[str | int, ...], str, bool]] = []
    commands: list[tuple[str, list[Command]]] = []
    if isinstance(node, Question):
        commands = [("checks", node.checks)]
    elif isinstance(node, Action):
        commands = [("commands", node.commands)]
        if node.verify:
            out.append((("verify",), node.verify, False))
    elif isinstance(node, Conclusion):
        for i, step in enumerate(node.resolution):
            out.append((("resolution", i, "do"), step.do, False))
            if step.run:
                out.append((("resolution", i, "run"), step.run, True))
        for key in ("verify", "rollback"):
            text = getattr(node, key)
            if text:
                out.append(((key,), text, False))
    for key, items in commands:
        for i, command in enumerate(items):
            out.append(((key, i, "run"), command.run, True))
            if command.look_for:
                out.append(((key, i, "look_for"), command.look_for, False))
    return out


def node_next(node: Question | Action | Conclusion | Escalation) -> list[str]:
    """The references a node leads to, in order."""
    if isinstance(node, Question):
        return [c.next for c in node.choices]
    if isinstance(node, Action):
        return [node.next]
    if isinstance(node, Conclusion):
        return [node.if_not_fixed] if node.if_not_fixed else []
    return [node.next] if node.next else []


def is_terminal(node: Question | Action | Conclusion | Escalation) -> bool:
    """Conclusions, and escalations that do not continue, end a walk."""
    return isinstance(node, Conclusion) or (isinstance(node, Escalation) and node.next is None)


AnyNode = Question | Action | Conclusion | Escalation
