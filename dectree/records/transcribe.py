"""Turning a journal into a `Transcript`, from the journal alone.

The events give the path, answers, times and notes; the tree and node records
(`dectree.records.journal_format`) give what the engineer was shown. So an export says what
was seen then, even if the trees changed since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dectree.engine.events import (
    Answered,
    CommandCopied,
    FixConfirmed,
    Jumped,
    NoteAdded,
    Proceeded,
    Reopened,
    SearchPerformed,
    SessionOutcome,
    SessionStarted,
    VariableSet,
    WentBack,
)
from dectree.engine.fill import fill
from dectree.engine.walk import LABEL_CONTINUE, LABEL_DONE, LABEL_FIXED, LABEL_NOT_FIXED, jump_label
from dectree.model.tree import split_ref
from dectree.records.journal_format import ResolutionRecord
from dectree.records.reader import Journal
from dectree.records.transcript import (
    Transcript,
    TranscriptBacktrack,
    TranscriptCommand,
    TranscriptConclusion,
    TranscriptEscalation,
    TranscriptResume,
    TranscriptSearch,
    TranscriptStep,
    TranscriptTree,
    TranscriptVariable,
)


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
        elif isinstance(event, Jumped):
            advance(event.next_ref, jump_label(event.query), event.at)
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
        if isinstance(event, VariableSet) and not event.secret and event.value is None:
            variables.pop(event.name, None)  # unset
        elif isinstance(event, VariableSet):
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
