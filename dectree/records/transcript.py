"""The transcript of a session, what `dectree export` writes, as pydantic models.

The JSON export is `Transcript` dumped as JSON; `transcript_schema` is its JSON
Schema (`dectree schema --transcript`), generated from these models, whose
field descriptions document it. `dectree.records.transcribe.build_transcript` makes a
`Transcript` from a journal.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dectree.engine.events import Event, SessionOutcome
from dectree.records.journal_format import ResolutionRecord

TRANSCRIPT_SCHEMA_ID = "https://dectree.dev/schema/transcript.json"


class Model(BaseModel):
    """Settings shared by the transcript models."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TranscriptTree(Model):
    """A tree the walk went through."""

    tree_id: str
    title: str
    version: str
    hash: str = Field(description="`sha256:` content hash of the tree when it was walked.")


class TranscriptStep(Model):
    """One step of the final path (steps undone by going back are in `backtracks`)."""

    number: int = Field(description="1-based position in the path.")
    tree_id: str
    node_id: str
    kind: str | None = Field(description="question, action, conclusion or escalation.")
    title: str | None = None
    question: str = Field(description="The text shown: prompt, root cause or escalation reason.")
    answer: str | None = Field(description="The answer given, None if the step is unanswered.")
    entered_at: dt.datetime
    answered_at: dt.datetime | None = None
    seconds: float | None = Field(description="Time spent on the step, None if still open.")
    note: str | None = None


class TranscriptCommand(Model):
    """A command of a step in the path, filled with the session's non-secret values."""

    step: int = Field(description="1-based step number.")
    tree_id: str
    node_id: str
    index: int = Field(description="0-based index among the node's commands.")
    command: str = Field(description="Secret values are left as `{name}`.")
    copied: bool = Field(description="Whether the engineer copied it.")
    copied_at: dt.datetime | None = None
    undone: bool = Field(
        default=False, description="Copied at a step later gone back from (not on the path)."
    )


class TranscriptRunMatch(Model):
    """An answer the output suggested."""

    label: str
    line: str | None = Field(description="The output line that matched, if an output rule did.")


class TranscriptRun(Model):
    """A check run from dectree: the command, how it ended and what it printed (redacted)."""

    step: int = Field(description="1-based step number when it ran.")
    tree_id: str
    node_id: str
    index: int = Field(description="0-based index among the question's checks.")
    command: str = Field(description="Secret values are left as `{name}`.")
    started_at: dt.datetime | None
    status: Literal["exited", "timed_out", "cancelled", "failed", "interrupted"]
    exit_code: int | None
    seconds: float | None
    output: str = Field(description="As kept: at most 1 MiB (head and tail), redacted.")
    total_bytes: int
    cut_bytes: int
    redactions: int
    error: str | None = None
    suggested: list[TranscriptRunMatch]


class TranscriptVariable(Model):
    """A variable set during the session; secret values are never recorded."""

    name: str
    value: str | None
    secret: bool


class TranscriptConclusion(Model):
    """The last conclusion on the path (the walk may have gone on if it did not fix it)."""

    tree_id: str
    node_id: str
    step: int = Field(description="1-based step number.")
    fixed: bool | None = Field(description="Whether it fixed the problem; None if not said yet.")
    title: str | None
    outcome: str | None = Field(description="The tree's outcome: resolved, workaround, escalate.")
    level: str | None
    root_cause: str
    resolution: list[ResolutionRecord] = Field(
        description="Resolution steps, commands filled (secret values left as `{name}`)."
    )


class TranscriptEscalation(Model):
    """An escalation: a step of the path that handed over, or where the walk ended escalated."""

    tree_id: str
    level: str | None
    team: str | None
    channel: str | None
    response_target: str | None = None
    reason: str | None = None
    step: int | None = Field(default=None, description="1-based step number, if on the path.")
    node_id: str | None = None
    title: str | None = None
    when: str | None = Field(default=None, description="The tree's 'hand over when' for the level.")
    attach: list[str] = Field(default_factory=list, description="What to attach, as listed.")
    final: bool = Field(default=False, description="The walk ended escalated here.")


class TranscriptUndone(Model):
    """A step's answer or note that is no longer on the path: gone back from, or voided."""

    number: int = Field(description="1-based position the step had in the path.")
    tree_id: str
    node_id: str
    kind: str | None = Field(default=None, description="question, action, conclusion or escalation.")
    title: str | None = None
    question: str
    answer: str | None
    note: str | None = None
    answered_at: dt.datetime | None = None
    why: Literal["back", "reopened", "voided"] = Field(
        description="Gone back from (`back`, `reopened`) or voided on resume (`voided`)."
    )
    at: dt.datetime | None = Field(description="When it was undone (None for voided events).")


class TranscriptSearch(Model):
    """A search run for the session; with `entry`, where it started the walk or went on."""

    at: dt.datetime
    query: str
    hits: int
    top: str | None
    started: bool = Field(default=False, description="This search started the walk.")
    strength: str | None = Field(
        default=None, description="How sure the hit that chose the entry was: exact, strong, weak."
    )
    entry: str | None = Field(default=None, description="`tree:node` the walk was entered at.")
    entry_title: str | None = Field(default=None, description="What the entry step is called.")
    hit: str | None = Field(
        default=None, description="`tree:node` of the hit that chose the entry (None: a tree's start)."
    )
    field: str | None = Field(default=None, description="Where the hit matched: symptoms, title ...")
    matched: str | None = Field(default=None, description="The text of the hit that matched.")
    suggested: str | None = Field(
        default=None, description="The answer at the entry that search suggested."
    )


class TranscriptBacktrack(Model):
    """The engineer went back to an earlier step (later steps were dropped)."""

    at: dt.datetime
    kind: Literal["back", "reopened"]
    to_step: int = Field(description="1-based step made current again.")
    tree_id: str
    node_id: str


class TranscriptAttempt(Model):
    """Another walk recorded for the same incident (an earlier try, abandoned or not)."""

    session_id: str
    tree_id: str
    tree_title: str | None = None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    outcome: str | None = Field(description="How it ended; None if it never finished.")
    stood_at: str | None = Field(description="The title of the step it ended or stopped at.")


class TranscriptPause(Model):
    """The walk was parked (the engineer went home to look elsewhere) or taken up again."""

    at: dt.datetime
    kind: Literal["parked", "unparked"]
    step: int = Field(description="1-based step the walk stood at.")
    tree_id: str
    node_id: str


class TranscriptResume(Model):
    """The session was reopened with `dectree resume`."""

    at: dt.datetime
    engineer: str
    host: str
    reason: str | None = Field(description="Why recorded events were voided, if any were.")


class Transcript(Model):
    """A troubleshooting session as evidence: summary, path, commands, full event log."""

    format: Literal["dectree-transcript"] = "dectree-transcript"
    version: Literal[1] = 1
    session_id: str
    incident: str | None
    engineer: str
    host: str
    dectree_version: str
    tree: TranscriptTree = Field(description="The tree the walk started in.")
    trees: list[TranscriptTree] = Field(description="Every tree the walk entered.")
    started_at: dt.datetime
    ended_at: dt.datetime | None = Field(description="None while the session is in progress.")
    duration_seconds: float = Field(description="Start to end, or to the last event so far.")
    status: Literal["finished", "in_progress"]
    outcome: SessionOutcome | None
    conclusion: TranscriptConclusion | None
    escalation: TranscriptEscalation | None = Field(
        description="Where the walk ended escalated (also the last of `escalations`)."
    )
    escalations: list[TranscriptEscalation] = Field(
        default_factory=list, description="Every escalation on the path, in order."
    )
    steps: list[TranscriptStep]
    undone: list[TranscriptUndone] = Field(
        default_factory=list,
        description="Answers and notes of steps gone back from, or voided on resume.",
    )
    commands: list[TranscriptCommand]
    runs: list[TranscriptRun] = Field(
        default_factory=list, description="Checks run from dectree, in order."
    )
    variables: list[TranscriptVariable]
    searches: list[TranscriptSearch]
    backtracks: list[TranscriptBacktrack]
    resumes: list[TranscriptResume]
    pauses: list[TranscriptPause] = Field(
        default_factory=list, description="Times the walk was parked and taken up again, in order."
    )
    attempts: list[TranscriptAttempt] = Field(
        default_factory=list,
        description="Other walks recorded for the same incident, oldest first (exports that "
        "know the sessions directory fill this in).",
    )
    interrupted: bool = Field(description="The journal ended with a write torn by a crash.")
    damaged_lines: list[int] = Field(
        default_factory=list,
        description="Journal lines that could not be read (damaged): left out, the rest kept.",
    )
    events: list[Event] = Field(description="Every live event, as recorded.")
    discarded_events: list[Event] = Field(
        description="Events voided on resume because the trees no longer allowed them."
    )


def transcript_schema() -> dict[str, object]:
    """The JSON Schema of the JSON export, generated from `Transcript`."""
    schema = Transcript.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": TRANSCRIPT_SCHEMA_ID,
        **schema,
    }
