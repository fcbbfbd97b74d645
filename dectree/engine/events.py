"""Events of a troubleshooting session: every change of state is one record.

A `Session` never changes its state except by applying one of these events,
so a session can be rebuilt by replaying them (`Session.replay`), and a journal
only has to write them down. Events are frozen pydantic models with a `type`
discriminator, so they round-trip through JSON with `event_to_dict` and
`event_from_dict`.

Each event carries a sequence number (`seq`, 1, 2, 3, ... per session) and a
UTC timestamp (`at`). Step indexes are 0-based positions in the session's path.
Secret variable values never appear in any event.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from dectree.text.plain import check_moment

StepIndex = Annotated[int, Field(ge=0, strict=True)]
"""A 0-based position in the session's path (a journal saying -5 is refused, not indexed)."""


class SessionOutcome(str, Enum):
    """How a session ended."""

    resolved = "resolved"
    workaround = "workaround"
    escalated = "escalated"
    abandoned = "abandoned"


Moment = Annotated[dt.datetime, AfterValidator(check_moment)]
"""A recorded time: with a time zone, from 1970 to 9000 (`dectree.text.plain.check_moment`)."""


class EventBase(BaseModel):
    """Fields every event shares."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int = Field(ge=1, strict=True, description="Position of the event in its session, from 1.")
    at: Moment = Field(description="When it happened (UTC).")

    @field_validator("at", mode="before")
    @classmethod
    def _a_time_not_a_number(cls, value: object) -> object:
        """A journal's time is ISO 8601 text; a bare number is damage, not a Unix time."""
        if isinstance(value, (int, float)):
            raise ValueError("expected an ISO 8601 time, got a number")
        return value


class SessionStarted(EventBase):
    """The walk began in a tree, at its start node or at any node."""

    type: Literal["started"] = "started"
    session_id: str
    tree_id: str
    tree_version: str
    node_id: str
    from_search: bool = False
    query: str | None = Field(default=None, description="The search that led here, if any.")


class Answered(EventBase):
    """A question was answered; the walk moved to `next_ref`."""

    type: Literal["answered"] = "answered"
    step: StepIndex
    tree_id: str
    node_id: str
    prompt: str
    choice: int = Field(ge=0, strict=True, description="0-based index of the choice.")
    label: str
    next_ref: str


class Proceeded(EventBase):
    """An action was done (or an escalation continued); the walk moved to `next_ref`."""

    type: Literal["proceeded"] = "proceeded"
    step: StepIndex
    tree_id: str
    node_id: str
    next_ref: str


class Jumped(EventBase):
    """A search mid-walk moved the walk to another node; the path goes on from there."""

    type: Literal["jumped"] = "jumped"
    step: int = Field(ge=0, strict=True, description="The step that was current when the walk jumped.")
    tree_id: str
    node_id: str
    next_ref: str = Field(description="`tree:node` the walk jumped to.")
    query: str


class FixConfirmed(EventBase):
    """The engineer said whether a conclusion's resolution fixed the problem."""

    type: Literal["fix_confirmed"] = "fix_confirmed"
    step: StepIndex
    tree_id: str
    node_id: str
    fixed: bool
    next_ref: str | None = Field(
        default=None, description="The `if_not_fixed` node followed, when not fixed."
    )


class WentBack(EventBase):
    """The last answer was undone; `step` is the step that is current again."""

    type: Literal["back"] = "back"
    step: StepIndex
    tree_id: str
    node_id: str


class Reopened(EventBase):
    """An earlier step became current again; every later step was dropped."""

    type: Literal["reopened"] = "reopened"
    step: StepIndex
    tree_id: str
    node_id: str


class NoteAdded(EventBase):
    """A note was attached to a step (replacing any earlier note on it)."""

    type: Literal["note"] = "note"
    step: StepIndex
    text: str


class VariableSet(EventBase):
    """A variable got a value; the value is omitted when the variable is secret."""

    type: Literal["variable"] = "variable"
    name: str
    secret: bool = False
    value: str | None = None


class CommandCopied(EventBase):
    """A command of the current node was copied, with secret values left out."""

    type: Literal["command_copied"] = "command_copied"
    step: StepIndex
    tree_id: str
    node_id: str
    index: int = Field(ge=0, strict=True, description="0-based index among the node's commands.")
    command: str = Field(description="The filled command, secret values shown as `{name}`.")


class CheckStarted(EventBase):
    """A check of the current question was run from dectree, with the engineer's consent.

    Written before the process starts: a `check_started` with no `check_ran`
    after it means dectree stopped during the run (recorded as interrupted).
    """

    type: Literal["check_started"] = "check_started"
    step: int
    tree_id: str
    node_id: str
    index: int = Field(description="0-based index among the question's checks.")
    command: str = Field(description="The filled command, secret values shown as `{name}`.")
    timeout: float = Field(description="Seconds the run was given.")


class RuleMatch(BaseModel):
    """A choice a check's output suggested, and the line that matched."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    choice: int = Field(description="0-based index of the choice.")
    label: str
    rule: int = Field(description="0-based index of the rule among the choice's `when:`.")
    line: str | None = Field(default=None, description="The output line that matched.")
    line_number: int | None = None


class CheckRan(EventBase):
    """A run ended: how, its exit code, time, output as kept (redacted) and what it suggested."""

    type: Literal["check_ran"] = "check_ran"
    step: int
    tree_id: str
    node_id: str
    index: int = Field(description="0-based index among the question's checks.")
    started: int | None = Field(
        default=None, description="`seq` of the `check_started` event of this run."
    )
    command: str = Field(description="The filled command, secret values shown as `{name}`.")
    status: Literal["exited", "timed_out", "cancelled", "failed", "interrupted"]
    exit_code: int | None = None
    seconds: float = Field(ge=0, description="Duration of the run.")
    output: str = Field(
        description="stdout and stderr as kept (head and tail of at most 1 MiB), redacted."
    )
    total_bytes: int = Field(ge=0, description="Bytes the check printed.")
    cut_bytes: int = Field(default=0, ge=0, description="Bytes cut from the middle.")
    redactions: int = Field(default=0, ge=0, description="Credentials taken out of the output.")
    error: str | None = Field(default=None, description="Why the run could not start.")
    suggested: list[RuleMatch] = Field(default_factory=list)


class TreeSwitched(EventBase):
    """The walk followed a link from one tree into another."""

    type: Literal["tree_switched"] = "tree_switched"
    step: int = Field(ge=0, strict=True, description="The step that entered the new tree.")
    from_tree: str
    from_node: str
    to_tree: str
    to_node: str


class SearchPerformed(EventBase):
    """A search was run for the session; with `entry`, the walk started or went on there."""

    type: Literal["search"] = "search"
    query: str
    hits: int
    top: str | None = Field(default=None, description="`tree:node` of the best hit.")
    strength: str | None = Field(
        default=None, description="How sure the hit that chose the entry is: exact, strong, weak."
    )
    entry: str | None = Field(
        default=None, description="`tree:node` where the walk started or went on from this search."
    )
    hit: str | None = Field(
        default=None, description="`tree:node` of the hit that chose the entry (None: a tree's start)."
    )
    field: str | None = Field(default=None, description="Where the hit matched: symptoms, title ...")
    matched: str | None = Field(default=None, description="The text of the hit that matched.")
    suggested: int | None = Field(
        default=None, description="The answer at the entry that leads to the hit (0-based)."
    )
    suggested_label: str | None = None


class Parked(EventBase):
    """The engineer went home and left the walk in progress, to come back to it."""

    type: Literal["parked"] = "parked"
    step: int
    tree_id: str
    node_id: str


class Unparked(EventBase):
    """A parked walk was taken up again."""

    type: Literal["unparked"] = "unparked"
    step: int
    tree_id: str
    node_id: str


class IncidentSet(EventBase):
    """The engineer named the incident the walk is for (or changed it) during the walk."""

    type: Literal["incident"] = "incident"
    incident: str = Field(description="The incident or ticket id.")


class Finished(EventBase):
    """The session ended."""

    type: Literal["finished"] = "finished"
    outcome: SessionOutcome
    tree_id: str
    node_id: str
    level: str | None = Field(default=None, description="Escalation level, when escalated.")


Event = Annotated[
    SessionStarted
    | Answered
    | Proceeded
    | Jumped
    | FixConfirmed
    | WentBack
    | Reopened
    | NoteAdded
    | VariableSet
    | CommandCopied
    | CheckStarted
    | CheckRan
    | TreeSwitched
    | SearchPerformed
    | IncidentSet
    | Parked
    | Unparked
    | Finished,
    Field(discriminator="type"),
]

_EVENT: TypeAdapter[Event] = TypeAdapter(Event)


def event_to_dict(event: Event) -> dict[str, Any]:
    """The JSON-ready form of an event."""
    return event.model_dump(mode="json")


def event_from_dict(data: Any) -> Event:
    """Parse an event from its JSON form; raises `pydantic.ValidationError` if malformed."""
    return _EVENT.validate_python(data)
