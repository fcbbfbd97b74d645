"""The state of a walk and the one function that changes it: applying an event.

`Walk.apply` is the reducer behind `Session`: the session builds events, this
module checks each one against the trees and updates the path, the variables
and the outcome. Replaying recorded events goes through the same checks, so a
tree that changed since the recording is caught at the first step that no
longer fits, with a `WalkError` that says why.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum

from dectree.engine.events import (
    Answered,
    CheckRan,
    CheckStarted,
    CommandCopied,
    Event,
    Finished,
    FixConfirmed,
    IncidentSet,
    Jumped,
    NoteAdded,
    Parked,
    Proceeded,
    Reopened,
    SearchPerformed,
    SessionOutcome,
    SessionStarted,
    TreeSwitched,
    Unparked,
    VariableSet,
    WentBack,
)
from dectree.model.tree import (
    VAR_PATTERN,
    Action,
    AnyNode,
    Conclusion,
    Escalation,
    Question,
    Tree,
    node_commands,
    split_ref,
)

LABEL_DONE = "Done"
LABEL_CONTINUE = "Continue"
LABEL_FIXED = "Fixed"
LABEL_NOT_FIXED = "Not fixed"


def jump_label(query: str) -> str:
    """The answer recorded on a step the walk left through a search."""
    return f"Searched: {query}"


_VAR_RE = re.compile(VAR_PATTERN)


class WalkError(Exception):
    """An operation the session cannot do in its state, or an event the trees do not allow."""


class SessionState(str, Enum):
    """Where a session is in its life."""

    not_started = "not_started"
    walking = "walking"
    awaiting_escalation = "awaiting_escalation"
    finished = "finished"


@dataclass(frozen=True)
class PathStep:
    """One node visited: what was shown, what was answered, when, and any note."""

    tree_id: str
    node_id: str
    prompt: str
    entered_at: dt.datetime
    answer: str | None = None
    choice: int | None = None
    answered_at: dt.datetime | None = None
    note: str | None = None

    @property
    def answered(self) -> bool:
        """Whether the walk has moved on from this step."""
        return self.answered_at is not None

    @property
    def elapsed(self) -> dt.timedelta | None:
        """Time from entering the step to answering it."""
        return None if self.answered_at is None else self.answered_at - self.entered_at

    @property
    def ref(self) -> str:
        """`tree:node` of this step."""
        return f"{self.tree_id}:{self.node_id}"


def node_title(node: AnyNode, limit: int = 80) -> str:
    """A short name for a node: its title, else the start of its prompt."""
    if node.title:
        return node.title
    text = " ".join(node_prompt(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def node_prompt(node: AnyNode) -> str:
    """The main text the app shows for a node, as recorded in the path."""
    if isinstance(node, (Question, Action)):
        return node.prompt
    if isinstance(node, Conclusion):
        return node.root_cause
    return f"Escalate to {node.level.value}: {node.reason}"


@dataclass
class Walk:
    """The mutable state of a session, changed only by `apply`."""

    trees: Mapping[str, Tree]
    session_id: str | None = None
    path: list[PathStep] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    secret: set[str] = field(default_factory=set)
    awaiting_escalation: bool = False
    outcome: SessionOutcome | None = None
    query: str | None = None
    incident: str | None = None
    parked: bool = False
    # step index -> the answer a search suggested there (the walk was entered at
    # the question that decides the hit)
    suggestions: dict[int, int] = field(default_factory=dict)
    runs: list[CheckRan] = field(default_factory=list)
    """Checks run in this walk, in order, for steps still on the path."""

    def node(self, tree_id: str, node_id: str) -> AnyNode:
        """A node by tree and id, or a `WalkError` saying which is missing."""
        tree = self.trees.get(tree_id)
        if tree is None:
            raise WalkError(f"no tree with id '{tree_id}'")
        node = tree.nodes.get(node_id)
        if node is None:
            raise WalkError(f"tree '{tree_id}' has no node '{node_id}'")
        return node

    @property
    def state(self) -> SessionState:
        """Where the walk is in its life."""
        if not self.path:
            return SessionState.not_started
        if self.outcome is not None:
            return SessionState.finished
        if self.awaiting_escalation:
            return SessionState.awaiting_escalation
        return SessionState.walking

    def apply(self, event: Event) -> None:
        """Check `event` against the state and the trees, then apply it."""
        if isinstance(event, SearchPerformed):
            self._search(event)
        elif isinstance(event, (Parked, Unparked)):
            self._at(event.step, event.tree_id, event.node_id, walking=False)
            if self.parked == isinstance(event, Parked):
                raise WalkError("the walk is parked already" if self.parked else "the walk is not parked")
            self.parked = isinstance(event, Parked)
        elif isinstance(event, VariableSet):
            self._variable(event)
        elif isinstance(event, SessionStarted):
            self._start(event)
        elif isinstance(event, NoteAdded):
            self._require_step(event.step)
            self.path[event.step] = replace(self.path[event.step], note=event.text)
        elif isinstance(event, Answered):
            self._answer(event)
        elif isinstance(event, Proceeded):
            self._proceed(event)
        elif isinstance(event, FixConfirmed):
            self._fix(event)
        elif isinstance(event, Jumped):
            self._at(event.step, event.tree_id, event.node_id, walking=False)
            self._advance(event.next_ref, jump_label(event.query), None, event.at)
            self.awaiting_escalation = False
        elif isinstance(event, (WentBack, Reopened)):
            self._rewind(event)
        elif isinstance(event, CommandCopied):
            node = self._at(event.step, event.tree_id, event.node_id, walking=False)
            if not 0 <= event.index < len(node_commands(node)):
                raise WalkError(f"node '{event.node_id}' has no command {event.index}")
        elif isinstance(event, (CheckStarted, CheckRan)):
            node = self._at(event.step, event.tree_id, event.node_id, walking=False)
            if not isinstance(node, Question) or not 0 <= event.index < len(node.checks):
                raise WalkError(f"node '{event.node_id}' has no check {event.index}")
            if isinstance(event, CheckRan):
                self.runs.append(event)
        elif isinstance(event, TreeSwitched):
            self._at(event.step, event.to_tree, event.to_node, walking=False)
        elif isinstance(event, IncidentSet):
            self._require_open()
            self._require_step(0)  # started
            self.incident = event.incident
        elif isinstance(event, Finished):
            self._at(len(self.path) - 1, event.tree_id, event.node_id, walking=False)
            self.outcome = event.outcome

    # -- one handler per kind of event -------------------------------------

    def _variable(self, event: VariableSet) -> None:
        self._require_open()
        if not _VAR_RE.match(event.name):
            raise WalkError(
                f"invalid variable name '{event.name}' (lowercase letters, digits and '_')"
            )
        if event.secret:
            self.secret.add(event.name)
            self.values.pop(event.name, None)
        elif event.value is None:
            self.values.pop(event.name, None)
        else:
            self.values[event.name] = event.value

    def _search(self, event: SearchPerformed) -> None:
        self._require_open()
        if event.entry is None or event.suggested is None:
            return
        step = self.path[-1] if self.path else None
        if step is None or step.ref != event.entry:
            raise WalkError(f"the search entered at '{event.entry}', but the walk is elsewhere")
        node = self.node(step.tree_id, step.node_id)
        if not isinstance(node, Question) or not 0 <= event.suggested < len(node.choices):
            raise WalkError(f"node '{step.ref}' has no choice {event.suggested} to suggest")
        self.suggestions[len(self.path) - 1] = event.suggested

    def _start(self, event: SessionStarted) -> None:
        if self.path:
            raise WalkError("the session has already started")
        node = self.node(event.tree_id, event.node_id)
        self.session_id = event.session_id
        self.query = event.query
        self.path.append(PathStep(event.tree_id, event.node_id, node_prompt(node), event.at))

    def _answer(self, event: Answered) -> None:
        node = self._at(event.step, event.tree_id, event.node_id)
        if not isinstance(node, Question):
            raise WalkError(f"node '{event.node_id}' is a {node.kind}, not a question")
        if not 0 <= event.choice < len(node.choices):
            raise WalkError(f"node '{event.node_id}' has no choice {event.choice}")
        choice = node.choices[event.choice]
        if choice.label != event.label:
            raise WalkError(
                f"choice {event.choice} of '{event.node_id}' is now {choice.label!r}, "
                f"not {event.label!r}"
            )
        if choice.next != event.next_ref:
            raise WalkError(
                f"choice {event.label!r} of '{event.node_id}' now leads to '{choice.next}', "
                f"not '{event.next_ref}'"
            )
        self._advance(event.next_ref, event.label, event.choice, event.at)

    def _proceed(self, event: Proceeded) -> None:
        node = self._at(event.step, event.tree_id, event.node_id)
        if not isinstance(node, (Action, Escalation)) or node.next is None:
            raise WalkError(f"node '{event.node_id}' is a {node.kind} without a next node")
        if node.next != event.next_ref:
            raise WalkError(
                f"node '{event.node_id}' now leads to '{node.next}', not '{event.next_ref}'"
            )
        label = LABEL_DONE if isinstance(node, Action) else LABEL_CONTINUE
        self._advance(event.next_ref, label, None, event.at)

    def _fix(self, event: FixConfirmed) -> None:
        node = self._at(event.step, event.tree_id, event.node_id)
        if not isinstance(node, Conclusion):
            raise WalkError(f"node '{event.node_id}' is a {node.kind}, not a conclusion")
        label = LABEL_FIXED if event.fixed else LABEL_NOT_FIXED
        expected = None if event.fixed else node.if_not_fixed
        if event.next_ref != expected:
            raise WalkError(
                f"conclusion '{event.node_id}' now leads to '{expected}' when not fixed, "
                f"not '{event.next_ref}'"
            )
        if event.next_ref is not None:
            self._advance(event.next_ref, label, None, event.at)
            return
        self.path[-1] = replace(self.path[-1], answer=label, answered_at=event.at)
        self.awaiting_escalation = not event.fixed

    def _rewind(self, event: WentBack | Reopened) -> None:
        self._require_open()
        self._require_step(event.step)
        step = self.path[event.step]
        if (step.tree_id, step.node_id) != (event.tree_id, event.node_id):
            raise WalkError(
                f"step {event.step} is at '{step.ref}', not '{event.tree_id}:{event.node_id}'"
            )
        self.node(step.tree_id, step.node_id)
        self.runs = [r for r in self.runs if r.step <= event.step]
        del self.path[event.step + 1 :]
        for index in [i for i in self.suggestions if i > event.step]:
            del self.suggestions[index]
        self.path[event.step] = replace(step, answer=None, choice=None, answered_at=None)
        self.awaiting_escalation = False

    # -- helpers ---------------------------------------------------------

    def _advance(self, ref: str, label: str, choice: int | None, at: dt.datetime) -> None:
        step = self.path[-1]
        tree_id, node_id = split_ref(ref, step.tree_id)
        node = self.node(tree_id, node_id)
        self.path[-1] = replace(step, answer=label, choice=choice, answered_at=at)
        self.path.append(PathStep(tree_id, node_id, node_prompt(node), at))

    def _require_open(self) -> None:
        if self.outcome is not None:
            raise WalkError(f"the session is finished ({self.outcome.value})")

    def _require_step(self, index: int) -> None:
        if not self.path:
            raise WalkError("the session has not started")
        if not 0 <= index < len(self.path):
            raise WalkError(f"no step {index}; the path has steps 0 to {len(self.path) - 1}")

    def _at(self, index: int, tree_id: str, node_id: str, *, walking: bool = True) -> AnyNode:
        """The current node, checked to be step `index` at `tree_id:node_id`."""
        self._require_open()
        if not self.path:
            raise WalkError("the session has not started")
        if walking and self.awaiting_escalation:
            raise WalkError("the conclusion did not fix it: escalate, finish or go back")
        current = len(self.path) - 1
        step = self.path[current]
        if index != current or (step.tree_id, step.node_id) != (tree_id, node_id):
            raise WalkError(
                f"expected to be at step {index} '{tree_id}:{node_id}', "
                f"but step {current} is '{step.ref}'"
            )
        return self.node(tree_id, node_id)
