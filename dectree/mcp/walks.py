"""Walks driven by tool calls: the MCP server's state, with no protocol in it.

`Walks` holds the loaded trees, the sessions it is walking and their journals.
Each tool of the server is one method here, taking plain values and returning
a pydantic model (the tool's structured output); bad input raises `ToolFailure`
with a message written for the model that called the tool. Sessions are
journaled by the same `Recorder` as the app's, so `dectree sessions` lists
them, `dectree resume` opens them in the terminal and `dectree export` writes
their transcripts. A session id the server does not hold in memory is looked
up in the sessions directory and replayed, so a walk survives a server
restart (and a walk started in the app can be carried on here). The step a
tool returns is made once per state of the walk: any event of the session
(a session changes only by its events) makes it stale, so `step` re-reads it.

Nothing here reads or writes a file outside the sessions directory: tree
paths are fixed when the server starts, and session ids are matched against
journal names, never used as paths.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from dectree.engine.events import SessionOutcome
from dectree.engine.redact import redact
from dectree.engine.runner import keep
from dectree.engine.search import SearchIndex, Start, entry, worth_showing
from dectree.engine.session import Session, SessionState, WalkError
from dectree.engine.walk import LABEL_CONTINUE, LABEL_DONE
from dectree.model.catalog import Catalog
from dectree.model.tree import Action, Conclusion, Contact, Escalation, Level, Question
from dectree.records.writer import Recorder, SessionJournal

Kind = Literal["question", "action", "conclusion", "escalation"]
_ID = re.compile(r"[0-9a-f]{6,32}")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
NOTE_LIMIT = 4 * 2**20
"""The most a step's note holds over MCP: each addition rewrites the whole note."""


class ToolFailure(Exception):
    """Bad input to a tool: the message says what and how to fix the call."""


# -- what the tools return ---------------------------------------------------------


class Check(BaseModel):
    """A command that answers the question, filled with the session's variables."""

    number: int = Field(description="1-based, as report_output(check=...) takes it")
    command: str = Field(description="Filled; secret values stay as {name} placeholders")
    unfilled: list[str] = Field(description="Placeholders without a value: set_variable first")
    look_for: str | None = None
    where: str | None = Field(default=None, description="Where to run it, if not locally")
    copy_only: bool = Field(
        default=False,
        description="Marked 'runnable: false' (destructive or interactive): the user runs it, not you",
    )
    unsafe: list[str] = Field(
        default_factory=list,
        description="Placeholders left as {name}: their value cannot be quoted safely there",
    )


class Answer(BaseModel):
    number: int
    label: str


class ResolutionStep(BaseModel):
    do: str
    command: str | None = None
    check: int | None = Field(
        default=None, description="With a command: its number, as report_output(check=...) takes it"
    )
    where: str | None = None


class ConclusionInfo(BaseModel):
    outcome: str = Field(description="resolved, workaround or escalate")
    level: str | None = None
    root_cause: str
    detail: str | None = None
    resolution: list[ResolutionStep]
    verify: str | None = None
    rollback: str | None = None


class ContactInfo(BaseModel):
    level: str
    team: str
    channel: str
    when: str
    response_target: str | None = None


class EscalationInfo(BaseModel):
    level: str
    reason: str
    contact: ContactInfo | None
    attach: list[str]


class Step(BaseModel):
    """Where a walk stands and what the tree says there."""

    not_recorded: str | None = Field(
        default=None,
        description="Set while events of this walk are not on disk: tell the user; null: all recorded",
    )
    session: str
    tree: str
    node: str
    kind: Kind
    state: str = Field(description="walking, awaiting_escalation or finished")
    step: int = Field(description="1-based number of this step in the walk")
    title: str | None = None
    prompt: str
    detail: str | None = None
    checks: list[Check] = Field(default_factory=list)
    answers: list[Answer] = Field(default_factory=list)
    conclusion: ConclusionInfo | None = None
    escalation: EscalationInfo | None = None
    contacts: list[ContactInfo] = Field(
        default_factory=list, description="Who to escalate to, once a conclusion did not fix it"
    )
    outcome: str | None = Field(default=None, description="How the walk ended, once finished")
    next: str = Field(description="What to call next")


class SearchHit(BaseModel):
    tree: str
    node: str
    kind: Kind
    title: str
    strength: str
    field: str
    text: str


class Entry(BaseModel):
    tree: str
    node: str
    kind: Kind
    strength: str
    why: str


class SearchResult(BaseModel):
    query: str
    entry: Entry | None = Field(description="Where start(query=...) would begin; null: none")
    hits: list[SearchHit]


class Reported(BaseModel):
    not_recorded: str | None = Field(
        default=None, description="Why this output is not on disk yet (recorded is false)"
    )
    recorded: bool = Field(description="The run is on disk in the walk's journal")
    suggested: list[Answer] = Field(
        description="Answers the tree's rules suggest from this output (you still choose)"
    )
    kept_bytes: int
    cut: bool = Field(description="Output over 1 MiB was cut to its head and tail")
    step: Step


class Exported(BaseModel):
    not_recorded: str | None = Field(
        default=None, description="Set while events of this walk are not on disk: keep this text"
    )
    session: str
    format: str
    text: str


class TreeInfo(BaseModel):
    id: str
    title: str
    version: str
    start: str
    nodes: int
    purpose: str


# -- the walks -------------------------------------------------------------------------


@dataclass
class _Walk:
    session: Session
    recorder: Recorder
    shown: Step | None = None
    """The view of the walk as it stands, until its next event."""

    def __post_init__(self) -> None:
        # A session changes only by its events: each one makes the view stale.
        self.session.subscribe(self._forget)

    def _forget(self, _event: object) -> None:
        self.shown = None

    def view(self) -> Step:
        if self.shown is None:
            self.shown = _view(self.session)
        missing = self.not_recorded()
        return self.shown if missing is None else self.shown.model_copy(update={"not_recorded": missing})

    @property
    def journal(self) -> SessionJournal | None:
        return self.recorder.journal_for(self.session)

    def not_recorded(self) -> str | None:
        """Why events of this walk are not on disk, after trying once more; None if all are."""
        journal = self.journal
        if journal is None or not journal.unwritten:
            return None
        # Logged once per outage: the client is told at every call, by this.
        journal.carry_on()
        if journal.flush():
            return None
        return (
            f"NOT RECORDED: {journal.behind} event(s) of this walk are not on disk "
            f"({journal.error}). They are kept in memory and written at the next call on "
            "this walk once the journal can be written; if the server stops before that, "
            "they are lost. Tell the user; export(session) gives the walk so far."
        )

    @property
    def holds_journal(self) -> bool:
        """Whether this walk keeps a journal open (or wants one: lines are waiting)."""
        journal = self.journal
        if journal is None:
            return False
        return bool(journal.unwritten) or self.session.state is not SessionState.finished


class Walks:
    """Every walk this server drives, over one catalog, journaled in `directory`."""

    def __init__(
        self,
        catalog: Catalog,
        directory: Path,
        *,
        host: str | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        max_open: int | None = None,
    ) -> None:
        self.catalog = catalog
        self.directory = directory
        self.host = host
        self.clock = clock
        self.walks: dict[str, _Walk] = {}
        """Every walk held, least recently used first."""
        self.max_open = max_open or _max_open()
        """The most unfinished walks held at once, each with its journal open."""
        self._index: SearchIndex | None = None

    # -- trees and search ----------------------------------------------------------

    def trees(self) -> list[TreeInfo]:
        out = []
        for tree_id, loaded in sorted(self.catalog.trees.items()):
            tree = loaded.tree
            out.append(
                TreeInfo(
                    id=tree_id,
                    title=tree.title,
                    version=tree.version,
                    start=tree.start,
                    nodes=len(tree.nodes),
                    purpose=tree.purpose.strip(),
                )
            )
        return out

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            self._index = SearchIndex({k: v.tree for k, v in self.catalog.trees.items()})
        return self._index

    def search(self, query: str, limit: int = 10) -> SearchResult:
        result, _ = self._search(query, limit)
        return result

    def _search(self, query: str, limit: int = 10) -> tuple[SearchResult, tuple[Start | None, int]]:
        """The hits and where a walk starts (`dectree.engine.search.entry`, as in the app)."""
        query = _text(query, "query")
        if not query.strip():
            raise ToolFailure("query is empty: pass the error message or a sentence describing it")
        hits = self.index.search(query, limit=50)
        trees = {k: v.tree for k, v in self.catalog.trees.items()}
        start = entry(trees, hits)
        out = [
            SearchHit(
                tree=h.tree_id,
                node=h.node_id,
                kind=self._kind(h.tree_id, h.node_id),
                title=h.title,
                strength=h.strength,
                field=h.field,
                text=h.text,
            )
            for h in worth_showing(hits, max(1, min(limit, 50)))
        ]
        found = None
        if start is not None:
            found = Entry(
                tree=start.tree_id,
                node=start.node_id,
                kind=self._kind(start.tree_id, start.node_id),
                strength=start.strength,
                why=start.why,
            )
        return SearchResult(query=query, entry=found, hits=out), (start, len(hits))

    def _kind(self, tree_id: str, node_id: str) -> Kind:
        return self.catalog.trees[tree_id].tree.nodes[node_id].kind

    # -- walking ----------------------------------------------------------------------

    def start(
        self,
        *,
        tree: str | None = None,
        query: str | None = None,
        node: str | None = None,
        incident: str | None = None,
        variables: dict[str, str] | None = None,
        engineer: str | None = None,
    ) -> Step:
        if tree is None and query is None:
            raise ToolFailure("give a tree id (see the trees tool) or a query (the error you see)")
        from_search: tuple[str, Start, int] | None = None
        if tree is None:
            found, (start, count) = self._search(query or "")
            if found.entry is None or start is None:
                raise ToolFailure(
                    f"nothing in the trees matches {query!r} clearly: pick a tree instead "
                    f"({', '.join(sorted(self.catalog.trees))})"
                )
            tree, node = found.entry.tree, found.entry.node
            from_search = (found.query, start, count)
        tree = _text(tree, "tree")
        if tree not in self.catalog.trees:
            raise ToolFailure(f"unknown tree {tree!r}; trees: {', '.join(sorted(self.catalog.trees))}")
        if node is not None and node not in self.catalog.trees[tree].tree.nodes:
            raise ToolFailure(f"tree {tree!r} has no node {node!r}")
        self._make_room()
        recorder = Recorder(
            self.directory,
            engineer=_clean_name(engineer) or "mcp-client",
            host=self.host,
            incident=_text(incident, "incident") if incident else None,
            on_error=_log_journal_error,
            clock=self.clock,
        )
        session = Session(self.catalog, clock=self.clock)
        recorder(session)
        try:
            if from_search is not None:
                session.start_from_search(*from_search)
            else:
                session.start(tree, node)
            for name, value in (variables or {}).items():
                self._set(session, name, value)
        except WalkError as exc:
            raise ToolFailure(str(exc)) from None
        self.walks[session.id] = _Walk(session, recorder)
        return self.step(session.id)

    def step(self, session_id: str) -> Step:
        return self._get(session_id).view()

    def answer(self, session_id: str, choice: str | int) -> Step:
        session = self._get(session_id).session
        self._open(session)
        node = session.node
        try:
            if isinstance(node, Question):
                session.choose(_choice(node.choices, choice))
            elif isinstance(node, (Action, Escalation)) and node.next is not None:
                session.proceed()
            elif isinstance(node, Conclusion):
                raise ToolFailure(
                    "this is a conclusion: apply the resolution, then call finish(fixed=true) "
                    "if it fixed the problem, or finish(fixed=false) to go on"
                )
            else:
                raise ToolFailure("this is the last escalation: call finish(fixed=...) to end")
        except WalkError as exc:
            raise ToolFailure(str(exc)) from None
        return self._view(session)

    def back(self, session_id: str) -> Step:
        session = self._get(session_id).session
        try:
            session.back()
        except WalkError as exc:
            raise ToolFailure(str(exc)) from None
        return self._view(session)

    def note(self, session_id: str, text: str) -> Step:
        session = self._get(session_id).session
        text = _text(text, "text")
        if not text.strip():
            raise ToolFailure("the note is empty")
        _add_note(session, text)
        return self._view(session)

    def set_variable(self, session_id: str, name: str, value: str) -> Step:
        session = self._get(session_id).session
        self._set(session, name, value)
        return self._view(session)

    def report_output(
        self, session_id: str, check: int, output: str, exit_code: int | None = None
    ) -> Reported:
        session = self._get(session_id).session
        self._open(session)
        commands = session.commands()
        if not commands:
            raise ToolFailure(f"step {session.current.node_id!r} has no checks to report on")
        if not 1 <= check <= len(commands):
            raise ToolFailure(f"no check {check}: this step has {len(commands)} (1-{len(commands)})")
        output = _text(output, "output")
        if isinstance(session.node, Question):
            # The engine keeps head and tail, redacts, records check_ran and
            # evaluates the tree's when: rules.
            try:
                event = session.report_output(check - 1, output, exit_code)
            except WalkError as exc:
                raise ToolFailure(str(exc)) from None
            step = self._view(session)
            return Reported(
                not_recorded=step.not_recorded,
                recorded=step.not_recorded is None,
                suggested=[Answer(number=m.choice + 1, label=m.label) for m in event.suggested],
                kept_bytes=len(event.output.encode()),
                cut=event.cut_bytes > 0,
                step=step,
            )
        # An action's or a conclusion's commands have no rules: the run is kept as a
        # note on the step, redacted and cut like a check's output.
        secrets = {n: v for n, v in session.variables.items() if session.is_secret(n)}
        kept, cut = keep(output.encode("utf-8", "replace"))
        kept = redact(kept, secrets).text
        status = "no exit code" if exit_code is None else f"exit {exit_code}"
        head = f"Ran command {check} ({status}): {commands[check - 1].redacted}"
        _add_note(session, f"{head}\n\n{kept}" if kept else head)
        step = self._view(session)
        return Reported(
            not_recorded=step.not_recorded,
            recorded=step.not_recorded is None,
            suggested=[],
            kept_bytes=len(kept.encode()),
            cut=cut > 0,
            step=step,
        )

    def finish(self, session_id: str, fixed: bool) -> Step:
        session = self._get(session_id).session
        self._open(session)
        node = session.node
        try:
            if session.state is SessionState.awaiting_escalation:
                offer = session.escalation_offer
                level = offer[0][0] if offer else None
                session.finish(
                    SessionOutcome.resolved if fixed else SessionOutcome.escalated, level=level
                )
            elif isinstance(node, Conclusion):
                session.confirm_fixed(fixed)
            elif isinstance(node, Escalation):
                session.finish(SessionOutcome.resolved if fixed else SessionOutcome.escalated)
            else:
                session.finish(SessionOutcome.resolved if fixed else SessionOutcome.abandoned)
        except WalkError as exc:
            raise ToolFailure(str(exc)) from None
        return self._view(session)

    def export(self, session_id: str, fmt: str = "md") -> Exported:
        from dectree.records.export import render_json, render_markdown
        from dectree.records.export_walk import journal_from_session
        from dectree.records.reader import JournalError, read_journal
        from dectree.records.transcribe import build_transcript

        if fmt not in ("md", "json"):
            raise ToolFailure("format is 'md' (Markdown, for a ticket) or 'json'")
        walk = self._get(session_id)
        journal_path = None
        missing = walk.not_recorded()
        recording = walk.journal
        if recording is not None and missing is None and recording.file is not None:
            journal_path = recording.path
        try:
            journal = (
                read_journal(journal_path)
                if journal_path is not None
                else journal_from_session(walk.session, incident=walk.recorder.incident)
            )
        except (JournalError, ValueError) as exc:
            raise ToolFailure(f"cannot export: {exc}") from None
        except OSError as exc:
            raise ToolFailure(f"cannot export: the journal cannot be read now: {exc.strerror or exc}") from None
        transcript = build_transcript(journal)
        text = render_json(transcript) if fmt == "json" else render_markdown(transcript)
        return Exported(not_recorded=missing, session=walk.session.id, format=fmt, text=text)

    # -- helpers ----------------------------------------------------------------------

    def _get(self, session_id: str) -> _Walk:
        session_id = _text(session_id, "session").strip()
        walk = self.walks.pop(session_id, None)
        if walk is not None:
            self.walks[session_id] = walk  # the most recently used, last
            return walk
        if not _ID.fullmatch(session_id):
            raise ToolFailure(f"unknown session {_short(session_id)!r}: start a walk with start()")
        # A prefix of a walk held here is that walk (its journal is locked by this
        # server, not by another dectree, and may not be on disk yet).
        held = [w for key, w in self.walks.items() if key.startswith(session_id)]
        if len(held) == 1:
            return self._get(held[0].session.id)
        if len(held) > 1:
            ids = ", ".join(sorted(w.session.id[:12] for w in held)[:5])
            raise ToolFailure(f"session id prefix {session_id!r} is ambiguous: {ids}; give the whole id")
        walk = self._load(session_id)
        if walk is None:
            raise ToolFailure(f"unknown session {session_id!r}: start a walk with start()")
        return walk

    def _load(self, session_id: str) -> _Walk | None:
        """A session journaled earlier (by this server or the app), replayed to go on."""
        from dectree.records.paths import SessionNotFound, find_session
        from dectree.records.reader import JournalError, read_journal
        from dectree.records.resume import prepare_resume
        from dectree.records.writer import in_use

        try:
            path = find_session(self.directory, session_id)
            journal = read_journal(path)
        except SessionNotFound as exc:
            if "ambiguous" in str(exc):
                raise ToolFailure(f"{exc}; give the whole id") from None
            return None
        except JournalError:
            return None
        except OSError as exc:
            raise ToolFailure(f"session {session_id}: its journal cannot be read now: {exc.strerror or exc}") from None
        held = self.walks.get(journal.header.session_id)
        if held is not None:
            return self._get(journal.header.session_id)
        if in_use(path):
            raise ToolFailure(f"session {session_id} is open in another dectree; finish it there")
        resumed = prepare_resume(journal, self.catalog, clock=self.clock)
        if not resumed.can_open:
            raise ToolFailure(f"session {session_id} cannot be replayed on the current trees")
        session = resumed.session
        if session.state is not SessionState.finished:
            self._make_room()
        recorder = Recorder(
            self.directory,
            engineer=journal.header.engineer,
            host=self.host,
            incident=journal.header.incident,
            on_error=_log_journal_error,
            clock=self.clock,
        )
        if session.state is not SessionState.finished:
            reason = str(resumed.replay.divergence) if resumed.replay.divergence else None
            recorder.resume(session, journal, reason=reason)
        walk = _Walk(session, recorder)
        self.walks[session.id] = walk
        return walk

    def _make_room(self) -> None:
        """Close the least recently used walks until one more journal may be opened.

        Each unfinished walk keeps its journal open (its lock says the walk is live),
        so walks are capped: a walk closed here has every event on disk and comes back,
        replayed from its journal, at its next call (secret values must be set again)."""
        live = [w for w in self.walks.values() if w.holds_journal]
        held = len(live)
        for walk in live:
            if held < self.max_open:
                return
            journal = walk.journal
            if journal is None or journal.unwritten:
                continue  # its events are only in memory: kept
            if journal.file is not None:
                journal.file.close()
            del self.walks[walk.session.id]
            held -= 1
        if held >= self.max_open:
            raise ToolFailure(
                f"this server holds {held} unfinished walks whose events are not all on "
                "disk (the journal cannot be written); finish some or fix the sessions "
                "directory, then start again"
            )

    def _view(self, session: Session) -> Step:
        """The step as the tool returns it, made again only after the walk changed."""
        return self.walks[session.id].view()

    def _open(self, session: Session) -> None:
        if session.state is SessionState.finished:
            outcome = session.outcome.value if session.outcome else "finished"
            raise ToolFailure(f"this walk has ended ({outcome}); export it or start another")

    def _set(self, session: Session, name: object, value: object) -> None:
        name, value = _text(name, "name"), _text(value, "value")
        known = {v for t in session.trees.values() for v in t.variables}
        if name not in known:
            near = ", ".join(sorted(known)[:40])
            raise ToolFailure(f"no tree declares a variable {name!r}; known: {near}")
        session.set_variable(name, value)


# -- the step as a model sees it ----------------------------------------------------------


def _view(session: Session) -> Step:
    node, step = session.node, session.current
    base: dict[str, Any] = dict(
        session=session.id,
        tree=step.tree_id,
        node=step.node_id,
        kind=node.kind,
        state=session.state.value,
        step=session.step_index + 1,
        title=node.title,
    )
    filled = session.commands()
    if session.state is SessionState.finished:
        outcome = session.outcome.value if session.outcome else "finished"
        return Step(
            **base,
            prompt=f"The walk has ended: {outcome}.",
            outcome=outcome,
            next="export(session, format='md') for the incident ticket",
        )
    if isinstance(node, (Question, Action)):
        commands = node.checks if isinstance(node, Question) else node.commands
        checks = [
            Check(
                number=i + 1,
                command=f.redacted,
                unfilled=sorted(set(f.missing)),
                look_for=session.fill(c.look_for, shell=False).text if c.look_for else None,
                where=c.where,
                copy_only=not c.runnable,
                unsafe=[name for name, _ in f.refused],
            )
            for i, (c, f) in enumerate(zip(commands, filled, strict=True))
        ]
        if isinstance(node, Question):
            answers = [Answer(number=i + 1, label=c.label) for i, c in enumerate(node.choices)]
            nxt = "run the checks, then answer(session, choice) with the number or exact label"
        else:
            answers = [Answer(number=1, label=LABEL_DONE)]
            nxt = "do the step, then answer(session, 'Done')"
        detail = node.detail
        if isinstance(node, Action) and node.verify:
            detail = f"{detail or ''}\n\nVerify: {session.fill(node.verify, shell=False).text}".strip()
        return Step(
            **base, prompt=node.prompt, detail=detail, checks=checks, answers=answers, next=nxt
        )
    if isinstance(node, Conclusion):
        steps, i = [], 0
        for s in node.resolution:
            command, number = None, None
            if s.run:
                command = filled[i].redacted if i < len(filled) else s.run
                i += 1
                number = i
            steps.append(
                ResolutionStep(
                    do=session.fill(s.do, shell=False).text, command=command, check=number, where=s.where
                )
            )
        info = ConclusionInfo(
            outcome=node.outcome.value,
            level=node.level.value if node.level else None,
            root_cause=node.root_cause,
            detail=node.detail,
            resolution=steps,
            verify=session.fill(node.verify, shell=False).text if node.verify else None,
            rollback=session.fill(node.rollback, shell=False).text if node.rollback else None,
        )
        if session.state is SessionState.awaiting_escalation:
            contacts = [_contact(level, c) for level, c in session.escalation_offer]
            return Step(
                **base,
                prompt="The resolution did not fix it, and the tree leads nowhere else: escalate.",
                conclusion=info,
                contacts=contacts,
                next="hand over to a contact, then finish(session, fixed=false); fixed=true if it got fixed",
            )
        return Step(
            **base,
            prompt=node.root_cause.strip().split("\n")[0],
            conclusion=info,
            next="apply the resolution and verify, then finish(session, fixed=true|false)",
        )
    assert isinstance(node, Escalation)
    contact = session.contact(node.level)
    info_e = EscalationInfo(
        level=node.level.value,
        reason=node.reason,
        contact=_contact(node.level, contact) if contact else None,
        attach=list(node.attach),
    )
    if node.next is not None:
        return Step(
            **base,
            prompt=node.reason.strip().split("\n")[0],
            escalation=info_e,
            answers=[Answer(number=1, label=LABEL_CONTINUE)],
            next="escalate, then answer(session, 'Continue') to keep diagnosing while waiting, "
            "or finish(session, fixed=false) to end the walk as escalated",
        )
    return Step(
        **base,
        prompt=node.reason.strip().split("\n")[0],
        escalation=info_e,
        next="hand over with what to attach, then finish(session, fixed=false)",
    )


def _max_open() -> int:
    """How many journals the server keeps open: a quarter of its file descriptors, 16 to 256."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):  # pragma: no cover - no resource module
        return 64
    if soft == resource.RLIM_INFINITY:
        return 256
    return max(16, min(256, soft // 4))


def _log_journal_error(message: str) -> None:
    """A journal write failed: for the server's log (the client is told by `not_recorded`)."""
    import logging

    logging.getLogger("dectree.mcp").warning("%s", message)


def _add_note(session: Session, text: str) -> None:
    """Add `text` to the current step's note, after what it holds already.

    The engine's note replaces (the app's note editor edits the whole note); over
    MCP every note and every reported run is kept, so each is added to the end."""
    earlier = session.current.note
    joined = f"{earlier}\n\n{text}" if earlier else text
    size = len(joined.encode("utf-8", "replace"))
    if size > NOTE_LIMIT:
        raise ToolFailure(
            f"not recorded: this step's notes would hold {size / 2**20:.1f} MiB, over the "
            f"{NOTE_LIMIT // 2**20} MiB one step keeps; shorten it (keep the lines that "
            "matter), or record it on the next step"
        )
    session.note(joined)


def _contact(level: Level, contact: Contact) -> ContactInfo:
    return ContactInfo(
        level=level.value,
        team=contact.team,
        channel=contact.channel,
        when=contact.when,
        response_target=contact.response_target,
    )


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ToolFailure(f"{what} must be text")
    if "\x00" in value:
        raise ToolFailure(f"{what} contains a NUL character")
    return value.encode("utf-8", "replace").decode("utf-8")


def _clean_name(name: str | None) -> str | None:
    if not name:
        return None
    cleaned = "".join(ch for ch in name if ch.isprintable())[:80].strip()
    return cleaned or None


def _choice(choices: list, choice: str | int) -> int | str:  # type: ignore[type-arg]
    """A 1-based number (or its text) or a label, as the session takes it (0-based or label)."""
    if isinstance(choice, bool):
        raise ToolFailure("choice is a number or a label, not true/false")
    labels = [c.label for c in choices]
    allowed = f"choose 1-{len(choices)} (by number) or a label: " + "; ".join(labels)
    if isinstance(choice, int):
        if not 1 <= choice <= len(choices):
            raise ToolFailure(f"no answer {choice}: {allowed}")
        return choice - 1
    text = _text(choice, "choice").strip()
    if _DIGITS.fullmatch(text):
        # ASCII digits only ("²" and "٣" are digits to str.isdigit, not to int()), and
        # never converted when longer than any answer number could be.
        if len(text) > 6 or not 1 <= int(text) <= len(choices):
            raise ToolFailure(f"no answer {_short(text)}: {allowed}")
        return int(text) - 1
    for i, label in enumerate(labels):
        if label == text:
            return i
    for i, label in enumerate(labels):
        if label.casefold() == text.casefold():
            return i
    raise ToolFailure(f"no answer labelled {_short(text)!r}: {allowed}")


def _short(text: str, limit: int = 60) -> str:
    """Text a client sent, shortened to be quoted back in an error."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


__all__ = ["ToolFailure", "Walks"]
