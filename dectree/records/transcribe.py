"""Turning a journal into a `Transcript`, from the journal alone.

The events give the path, answers, times and notes; the tree and node records
(`dectree.records.journal_format`) give what the engineer was shown. So an export says what
was seen then, even if the trees changed since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from dectree.engine.events import (
    Answered,
    CheckRan,
    CheckStarted,
    CommandCopied,
    Event,
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
    Unparked,
    VariableSet,
    WentBack,
)
from dectree.engine.fill import fill
from dectree.engine.walk import LABEL_CONTINUE, LABEL_DONE, LABEL_FIXED, LABEL_NOT_FIXED, jump_label
from dectree.model.tree import split_ref
from dectree.records.journal_format import NodeRecord, ResolutionRecord
from dectree.records.reader import Journal
from dectree.records.transcript import (
    Transcript,
    TranscriptBacktrack,
    TranscriptCommand,
    TranscriptConclusion,
    TranscriptEscalation,
    TranscriptPause,
    TranscriptResume,
    TranscriptRun,
    TranscriptRunMatch,
    TranscriptSearch,
    TranscriptStep,
    TranscriptTree,
    TranscriptUndone,
    TranscriptVariable,
)
from dectree.text.escape import shorten


@dataclass
class _Step:
    tree_id: str
    node_id: str
    entered_at: dt.datetime
    prompt: str | None = None
    answer: str | None = None
    answered_at: dt.datetime | None = None
    note: str | None = None


@dataclass(frozen=True)
class _Undone:
    number: int
    step: _Step
    why: Literal["back", "reopened", "voided"]
    at: dt.datetime | None


def _path(
    journal: Journal, events: Sequence[Event] | None = None
) -> tuple[list[_Step], list[TranscriptBacktrack], list[_Undone]]:
    """The final path, rebuilt from the events without the trees, and what going back undid."""
    path: list[_Step] = []
    backtracks: list[TranscriptBacktrack] = []
    undone: list[_Undone] = []

    def advance(ref: str, label: str, at: dt.datetime) -> None:
        step = path[-1]
        step.answer, step.answered_at = label, at
        tree_id, node_id = split_ref(ref, step.tree_id)
        path.append(_Step(tree_id, node_id, at))

    for event in journal.events if events is None else events:
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
            for number, gone in enumerate(path[event.step :], start=event.step + 1):
                if gone.answer is not None or (gone.note and number > event.step + 1):
                    undone.append(_Undone(number, replace(gone), event.type, event.at))
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
    return path, backtracks, undone


def _voided(journal: Journal, path: list[_Step]) -> list[_Undone]:
    """Answers and notes of the events voided on resume, as they would have stood."""
    if not journal.discarded:
        return []
    # The path as it stood when the session was reopened: the events kept then,
    # and the ones voided (later live events reuse their numbers).
    keep = journal.resumes[0].keep_through if journal.resumes else None
    before = [e for e in journal.events if keep is None or e.seq <= keep]
    would, _, _ = _path(journal, [*before, *journal.discarded])
    out = []
    for number, step in enumerate(would, start=1):
        live = path[number - 1] if number <= len(path) else None
        same_node = live is not None and (live.tree_id, live.node_id) == (step.tree_id, step.node_id)
        if same_node and live is not None and (live.answer, live.note) == (step.answer, step.note):
            continue
        if step.answer is None and not step.note:
            continue
        out.append(_Undone(number, step, "voided", None))
    return out


def _shown(journal: Journal, number: int, step: _Step) -> dict[str, Any]:
    """What a transcript row says of a step: its node as recorded, the question, answer and note."""
    node = journal.nodes.get(f"{step.tree_id}:{step.node_id}")
    return {
        "number": number,
        "tree_id": step.tree_id,
        "node_id": step.node_id,
        "kind": node.kind if node else None,
        "title": node.title if node else None,
        "question": step.prompt or (node.text if node else f"{step.tree_id}:{step.node_id}"),
        "answer": step.answer,
        "note": step.note,
        "answered_at": step.answered_at,
    }


def _undone(journal: Journal, undone: list[_Undone]) -> list[TranscriptUndone]:
    return [
        TranscriptUndone(**_shown(journal, item.number, item.step), why=item.why, at=item.at)
        for item in undone
    ]


def build_transcript(journal: Journal) -> Transcript:
    """The transcript of a journal."""
    header, finish = journal.header, journal.finish
    path, backtracks, undone = _path(journal)
    ended = finish.at if finish else None
    steps = []
    for number, step in enumerate(path, start=1):
        until = step.answered_at or (ended if number == len(path) else None)
        steps.append(
            TranscriptStep(
                **_shown(journal, number, step),
                entered_at=step.entered_at,
                seconds=None if until is None else (until - step.entered_at).total_seconds(),
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
    escalations = _escalations(journal, path)
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
        incident=next(
            (e.incident for e in reversed(journal.events) if isinstance(e, IncidentSet)),
            header.incident,
        ),
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
        escalation=escalations[-1] if escalations and escalations[-1].final else None,
        escalations=escalations,
        steps=steps,
        undone=_undone(journal, undone + _voided(journal, path)),
        commands=_commands(journal, steps, fill_values),
        runs=_runs(journal),
        variables=sorted(variables.values(), key=lambda v: v.name),
        searches=_searches(journal),
        backtracks=backtracks,
        resumes=[
            TranscriptResume(at=r.at, engineer=r.engineer, host=r.host, reason=r.reason)
            for r in journal.resumes
        ],
        pauses=[
            TranscriptPause(
                at=e.at, kind=e.type, step=e.step + 1, tree_id=e.tree_id, node_id=e.node_id
            )
            for e in journal.events
            if isinstance(e, (Parked, Unparked))
        ],
        interrupted=journal.torn_line is not None,
        damaged_lines=[line for line, _ in journal.damaged],
        events=list(journal.events),
        discarded_events=list(journal.discarded),
    )


def _searches(journal: Journal) -> list[TranscriptSearch]:
    """Every search; the one right after a start from search is the one that started it."""
    out: list[TranscriptSearch] = []
    previous = None
    for event in journal.events:
        if isinstance(event, SearchPerformed):
            started = (
                isinstance(previous, SessionStarted)
                and previous.from_search
                and event.entry == f"{previous.tree_id}:{previous.node_id}"
            )
            node = journal.nodes.get(event.entry) if event.entry else None
            title = None if node is None else node.title or shorten(node.text, 120)
            out.append(
                TranscriptSearch(
                    at=event.at,
                    query=event.query,
                    hits=event.hits,
                    top=event.top,
                    started=started,
                    strength=event.strength,
                    entry=event.entry,
                    entry_title=title,
                    hit=event.hit,
                    field=event.field,
                    matched=event.matched,
                    suggested=event.suggested_label,
                )
            )
        previous = event
    return out


def _runs(journal: Journal) -> list[TranscriptRun]:
    """Every check run, in order; a start with no end is a run dectree never saw finish."""
    ended = {e.started: e for e in journal.events if isinstance(e, CheckRan) and e.started}
    runs: list[TranscriptRun] = []
    for event in journal.events:
        if isinstance(event, CheckStarted) and event.seq not in ended:
            runs.append(
                TranscriptRun(
                    step=event.step + 1,
                    tree_id=event.tree_id,
                    node_id=event.node_id,
                    index=event.index,
                    command=event.command,
                    started_at=event.at,
                    status="interrupted",
                    exit_code=None,
                    seconds=None,
                    output="",
                    total_bytes=0,
                    cut_bytes=0,
                    redactions=0,
                    suggested=[],
                )
            )
        elif isinstance(event, CheckRan):
            start = next(
                (e for e in journal.events if isinstance(e, CheckStarted) and e.seq == event.started),
                None,
            )
            runs.append(
                TranscriptRun(
                    step=event.step + 1,
                    tree_id=event.tree_id,
                    node_id=event.node_id,
                    index=event.index,
                    command=event.command,
                    started_at=start.at if start else None,
                    status=event.status,
                    exit_code=event.exit_code,
                    seconds=event.seconds,
                    output=event.output,
                    total_bytes=event.total_bytes,
                    cut_bytes=event.cut_bytes,
                    redactions=event.redactions,
                    error=event.error,
                    suggested=[
                        TranscriptRunMatch(label=m.label, line=m.line) for m in event.suggested
                    ],
                )
            )
    return runs


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
                # Prose filled as the app shows it: values unquoted, secrets as {name}.
                do=fill(item.do, fill_values[0], fill_values[1].__contains__, shell=False).redacted,
                run=None
                if item.run is None
                else fill(item.run, fill_values[0], fill_values[1].__contains__).redacted,
            )
            for item in node.resolution
        ],
    )


def _escalations(journal: Journal, path: list[_Step]) -> list[TranscriptEscalation]:
    """Every escalation step on the path, then where the walk ended escalated (if not one)."""
    out: list[TranscriptEscalation] = []
    for number, step in enumerate(path, start=1):
        node = journal.nodes.get(f"{step.tree_id}:{step.node_id}")
        if node is None or not (
            node.kind == "escalation" or (node.kind == "conclusion" and node.outcome == "escalate")
        ):
            continue
        out.append(_contact_at(journal, step.tree_id, node.level, node, number))
    finish = journal.finish
    if finish is None or finish.outcome is not SessionOutcome.escalated:
        return out
    node = journal.nodes.get(f"{finish.tree_id}:{finish.node_id}")
    level = finish.level or (node.level if node else None)
    last = out[-1] if out else None
    if (
        last is not None
        and last.step == len(path)
        and last.node_id == finish.node_id
        and last.level == level
    ):
        out[-1] = last.model_copy(update={"final": True})
    else:
        end = _contact_at(journal, finish.tree_id, level, None, len(path) or None)
        out.append(end.model_copy(update={"final": True, "node_id": finish.node_id}))
    return out


def _contact_at(
    journal: Journal, tree_id: str, level: str | None, node: NodeRecord | None, step: int | None
) -> TranscriptEscalation:
    tree = journal.trees.get(tree_id)
    contact = tree.escalation.get(level) if tree and level else None
    is_escalation = node is not None and node.kind == "escalation"
    reason = node.text if is_escalation and node is not None else None
    if reason is not None and level and reason.startswith(f"Escalate to {level}: "):
        reason = reason[len(f"Escalate to {level}: ") :]  # the node record's prompt form
    return TranscriptEscalation(
        tree_id=tree_id,
        level=level,
        team=contact.team if contact else None,
        channel=contact.channel if contact else None,
        response_target=contact.response_target if contact else None,
        reason=reason,
        step=step,
        node_id=node.node_id if node is not None else None,
        title=node.title if node is not None else None,
        when=contact.when if contact else None,
        attach=list(node.attach) if node is not None else [],
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
    on_path = {(s.number - 1, s.tree_id, s.node_id) for s in steps}
    for (at, tree_id, node_id, index), event in copied.items():
        if (at, tree_id, node_id) not in on_path:
            out.append(
                TranscriptCommand(
                    step=at + 1,
                    tree_id=tree_id,
                    node_id=node_id,
                    index=index,
                    command=event.command,
                    copied=True,
                    copied_at=event.at,
                    undone=True,
                )
            )
    return out
