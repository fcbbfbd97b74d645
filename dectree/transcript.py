"""The transcript of a session: what `dectree export` writes, as pydantic models.

`build_transcript` turns a journal into a `Transcript` from the journal alone
(the events, and the tree and node records of what was shown), so an export
says what the engineer saw even if the trees changed since. The JSON export is
`Transcript` dumped as JSON; `transcript_schema` is its JSON Schema
(`dectree schema --transcript`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dectree.events import (
    Answered,
    CommandCopied,
    Event,
    FixConfirmed,
    NoteAdded,
    Proceeded,
    Reopened,
    SearchPerformed,
    SessionOutcome,
    SessionStarted,
    VariableSet,
    WentBack,
)
from dectree.fill import fill
from dectree.journal_reader import Journal
from dectree.model import split_ref
from dectree.records import ResolutionRecord
from dectree.walk import LABEL_CONTINUE, LABEL_DONE, LABEL_FIXED, LABEL_NOT_FIXED

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
    """Who the walk escalated to."""

    tree_id: str
    level: str | None
    team: str | None
    channel: str | None
    response_target: str | None = None
    reason: str | None = None


class TranscriptSearch(Model):
    """A search run during the session."""

    at: dt.datetime
    query: str
    hits: int
    top: str | None


class TranscriptBacktrack(Model):
    """The engineer went back to an earlier step (later steps were dropped)."""

    at: dt.datetime
    kind: Literal["back", "reopened"]
    to_step: int = Field(description="1-based step made current again.")
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
    escalation: TranscriptEscalation | None
    steps: list[TranscriptStep]
    commands: list[TranscriptCommand]
    variables: list[TranscriptVariable]
    searches: list[TranscriptSearch]
    backtracks: list[TranscriptBacktrack]
    resumes: list[TranscriptResume]
    interrupted: bool = Field(description="The journal ended with a write torn by a crash.")
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


@dataclass
class _Step:
    tree_id: str
    node_id: str
    entered_at: dt.datetime
    prompt: str | None = None
    answer: str | None = None
    answered_at: dt.datetime | None = None
    note: str | None = None


def _path(journal: Journal) -> tuple[list[_Step], list[TranscriptBacktrack]]:
    """The final path, rebuilt from the events without the trees."""
    path: list[_Step] = []
    backtracks: list[TranscriptBacktrack] = []

    def advance(ref: str, label: str, at: dt.datetime) -> None:
        step = path[-1]
        step.answer, step.answered_at = label, at
        tree_id, node_id = split_ref(ref, step.tree_id)
        path.append(_Step(tree_id, node_id, at))

    for event in journal.events:
        if isinstance(event, SessionStarted):
            path = [_Step(event.tree_id, event.node_id, event.at)]
        elif not path:
            continue
        elif isinstance(event, Answered):
            path[-1].prompt = event.prompt
            advance(event.next_ref, event.label, event.at)
        elif isinstance(event, Proceeded):
            node = journal.nodes.get(f"{event.tree_id}:{event.node_id}")
            escalation = node is not None and node.kind == "escalation"
            advance(event.next_ref, LABEL_CONTINUE if escalation else LABEL_DONE, event.at)
        elif isinstance(event, FixConfirmed):
            label = LABEL_FIXED if event.fixed else LABEL_NOT_FIXED
            if event.next_ref is not None:
                advance(event.next_ref, label, event.at)
            else:
                path[-1].answer, path[-1].answered_at = label, event.at
        elif isinstance(event, (WentBack, Reopened)) and event.step < len(path):
            del path[event.step + 1 :]
            path[-1].answer = path[-1].answered_at = None
            backtracks.append(
                TranscriptBacktrack(
                    at=event.at,
                    kind=event.type,
                    to_step=event.step + 1,
                    tree_id=event.tree_id,
                    node_id=event.node_id,
                )
            )
        elif isinstance(event, NoteAdded) and event.step < len(path):
            path[event.step].note = event.text
    return path, backtracks


def build_transcript(journal: Journal) -> Transcript:
    """The transcript of a journal."""
    header, finish = journal.header, journal.finish
    path, backtracks = _path(journal)
    ended = finish.at if finish else None
    steps = []
    for number, step in enumerate(path, start=1):
        node = journal.nodes.get(f"{step.tree_id}:{step.node_id}")
        until = step.answered_at or (ended if number == len(path) else None)
        steps.append(
            TranscriptStep(
                number=number,
                tree_id=step.tree_id,
                node_id=step.node_id,
                kind=node.kind if node else None,
                title=node.title if node else None,
                question=step.prompt or (node.text if node else f"{step.tree_id}:{step.node_id}"),
                answer=step.answer,
                entered_at=step.entered_at,
                answered_at=step.answered_at,
                seconds=None if until is None else (until - step.entered_at).total_seconds(),
                note=step.note,
            )
        )
    variables: dict[str, TranscriptVariable] = {}
    for event in journal.events:
        if isinstance(event, VariableSet):
            variables[event.name] = TranscriptVariable(
                name=event.name, value=None if event.secret else event.value, secret=event.secret
            )
    fill_values = _fill_values(journal, variables)
    trees = [
        TranscriptTree(tree_id=t.tree_id, title=t.title, version=t.version, hash=t.hash)
        for t in journal.trees.values()
    ]
    start_tree = next(
        (t for t in trees if t.tree_id == header.tree_id),
        TranscriptTree(
            tree_id=header.tree_id,
            title=header.tree_id,
            version=header.tree_version,
            hash=header.tree_hash,
        ),
    )
    return Transcript(
        session_id=header.session_id,
        incident=header.incident,
        engineer=header.engineer,
        host=header.host,
        dectree_version=header.dectree_version,
        tree=start_tree,
        trees=trees,
        started_at=header.started_at,
        ended_at=ended,
        duration_seconds=((ended or journal.last_at) - header.started_at).total_seconds(),
        status="finished" if finish else "in_progress",
        outcome=finish.outcome if finish else None,
        conclusion=_conclusion(journal, path, fill_values),
        escalation=_escalation(journal, path),
        steps=steps,
        commands=_commands(journal, steps, fill_values),
        variables=sorted(variables.values(), key=lambda v: v.name),
        searches=[
            TranscriptSearch(at=e.at, query=e.query, hits=e.hits, top=e.top)
            for e in journal.events
            if isinstance(e, SearchPerformed)
        ],
        backtracks=backtracks,
        resumes=[
            TranscriptResume(at=r.at, engineer=r.engineer, host=r.host, reason=r.reason)
            for r in journal.resumes
        ],
        interrupted=journal.torn_line is not None,
        events=list(journal.events),
        discarded_events=list(journal.discarded),
    )


def _conclusion(
    journal: Journal, path: list[_Step], fill_values: tuple[dict[str, str], set[str]]
) -> TranscriptConclusion | None:
    for number in range(len(path), 0, -1):
        step = path[number - 1]
        node = journal.nodes.get(f"{step.tree_id}:{step.node_id}")
        if node is not None and node.kind == "conclusion":
            break
    else:
        return None
    answer = {LABEL_FIXED: True, LABEL_NOT_FIXED: False}
    return TranscriptConclusion(
        tree_id=node.tree_id,
        node_id=node.node_id,
        step=number,
        fixed=answer.get(step.answer or ""),
        title=node.title,
        outcome=node.outcome,
        level=node.level,
        root_cause=node.text,
        resolution=[
            ResolutionRecord(
                do=item.do,
                run=None
                if item.run is None
                else fill(item.run, fill_values[0], fill_values[1].__contains__).redacted,
            )
            for item in node.resolution
        ],
    )


def _escalation(journal: Journal, path: list[_Step]) -> TranscriptEscalation | None:
    finish = journal.finish
    if finish is None or finish.outcome is not SessionOutcome.escalated:
        return None
    node = journal.nodes.get(f"{finish.tree_id}:{finish.node_id}")
    level = finish.level or (node.level if node else None)
    tree = journal.trees.get(finish.tree_id)
    contact = tree.escalation.get(level) if tree and level else None
    return TranscriptEscalation(
        tree_id=finish.tree_id,
        level=level,
        team=contact.team if contact else None,
        channel=contact.channel if contact else None,
        response_target=contact.response_target if contact else None,
        reason=node.text if node is not None and node.kind == "escalation" else None,
    )


def _fill_values(
    journal: Journal, variables: dict[str, TranscriptVariable]
) -> tuple[dict[str, str], set[str]]:
    """Values to fill commands with (declared defaults, then the session's), and secret names."""
    values: dict[str, str] = {}
    secret = {v.name for v in variables.values() if v.secret}
    for tree in reversed(journal.trees.values()):  # the first tree entered wins
        values.update(tree.defaults)
        secret.update(tree.secrets)
    values.update({v.name: v.value for v in variables.values() if v.value is not None})
    for name in secret:
        values.pop(name, None)
    return values, secret


def _commands(
    journal: Journal, steps: list[TranscriptStep], fill_values: tuple[dict[str, str], set[str]]
) -> list[TranscriptCommand]:
    values, secret = fill_values
    copied: dict[tuple[int, str, str, int], CommandCopied] = {}
    for event in journal.events:
        if isinstance(event, CommandCopied):
            copied.setdefault((event.step, event.tree_id, event.node_id, event.index), event)
    out = []
    for step in steps:
        node = journal.nodes.get(f"{step.tree_id}:{step.node_id}")
        for index, template in enumerate(node.commands if node else []):
            copy = copied.get((step.number - 1, step.tree_id, step.node_id, index))
            text = copy.command if copy else fill(template, values, secret.__contains__).redacted
            out.append(
                TranscriptCommand(
                    step=step.number,
                    tree_id=step.tree_id,
                    node_id=step.node_id,
                    index=index,
                    command=text,
                    copied=copy is not None,
                    copied_at=copy.at if copy else None,
                )
            )
    return out
