"""The walk engine: one troubleshooting session through one or more trees.

A `Session` knows where the engineer is (the current node), the path that led
there, notes and variables. Every change of state is an event
(`dectree.engine.events`): each operation builds one, `dectree.engine.walk.Walk.apply` checks
and applies it, then subscribed listeners (the journal, the app) receive it.
`Session.replay` rebuilds a session from recorded events through the same
checks and reports the first step the trees no longer allow.

Mistakes in use raise `WalkError` with a message fit to show the engineer.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError

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
    RuleMatch,
    SearchPerformed,
    SessionOutcome,
    SessionStarted,
    TreeSwitched,
    Unparked,
    VariableSet,
    WentBack,
    event_from_dict,
)
from dectree.engine.fill import FilledCommand, fill
from dectree.engine.redact import redact
from dectree.engine.runner import DEFAULT_TIMEOUT, RunResult, RunStatus, keep
from dectree.engine.suggest import suggest
from dectree.engine.walk import (
    LABEL_CONTINUE,
    LABEL_DONE,
    LABEL_FIXED,
    LABEL_NOT_FIXED,
    PathStep,
    SessionState,
    Walk,
    WalkError,
    node_prompt,
)
from dectree.model.tree import (
    Action,
    AnyNode,
    Choice,
    Conclusion,
    Contact,
    Escalation,
    Level,
    Outcome,
    Question,
    Tree,
    node_commands,
    placeholders,
)

if TYPE_CHECKING:  # search (stemmer, synonym groups) is imported when first used
    from dectree.engine.search import Hit, SearchIndex, Start

__all__ = [
    "LABEL_CONTINUE",
    "LABEL_DONE",
    "LABEL_FIXED",
    "LABEL_NOT_FIXED",
    "Divergence",
    "PathStep",
    "Replay",
    "Session",
    "SessionState",
    "WalkError",
    "node_prompt",
    "tree_map",
]

Clock = Callable[[], dt.datetime]
Listener = Callable[[Event], None]

_FIXED_OUTCOME = {
    Outcome.resolved: SessionOutcome.resolved,
    Outcome.workaround: SessionOutcome.workaround,
    Outcome.escalate: SessionOutcome.escalated,
}


class _Loaded(Protocol):
    @property
    def tree(self) -> Tree: ...


class CatalogLike(Protocol):
    """Anything with loaded trees by id, each with a `.tree`: a `Catalog`."""

    @property
    def trees(self) -> Mapping[str, _Loaded]: ...


TreeSource = Mapping[str, Tree] | CatalogLike


def tree_map(source: TreeSource) -> dict[str, Tree]:
    """The trees by id of a catalog, or of a plain mapping of id -> Tree."""
    if isinstance(source, Mapping):
        return dict(source)
    return {tree_id: loaded.tree for tree_id, loaded in source.trees.items()}


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Divergence:
    """Where a replay stopped: the event, the step it concerned, and why."""

    seq: int
    step: int
    reason: str
    tree_id: str | None = None
    node_id: str | None = None

    def __str__(self) -> str:
        where = f" at '{self.tree_id}:{self.node_id}'" if self.tree_id and self.node_id else ""
        return f"step {self.step}{where} (event {self.seq}): {self.reason}"


@dataclass(frozen=True)
class Replay:
    """The result of `Session.replay`: the rebuilt session and where it stopped, if it did."""

    session: Session
    applied: int
    divergence: Divergence | None = None


class Session:
    """A walk through the trees of a catalog, driven by the app or by a test."""

    def __init__(
        self,
        source: TreeSource,
        *,
        clock: Clock | None = None,
        session_id: str | None = None,
    ) -> None:
        self.trees: dict[str, Tree] = tree_map(source)
        self.id: str = session_id or uuid.uuid4().hex
        self._clock: Clock = clock or _utc_now
        self._listeners: list[Listener] = []
        self._events: list[Event] = []
        self._walk = Walk(self.trees)
        self._index: SearchIndex | None = None

    # -- reading state -------------------------------------------------

    @property
    def state(self) -> SessionState:
        """Where the session is in its life."""
        return self._walk.state

    @property
    def path(self) -> Sequence[PathStep]:
        """The steps so far; the last one is the current node. Do not mutate."""
        return tuple(self._walk.path)

    @property
    def events(self) -> Sequence[Event]:
        """Every event applied so far, in order."""
        return tuple(self._events)

    @property
    def outcome(self) -> SessionOutcome | None:
        """How the session ended, once finished."""
        return self._walk.outcome

    @property
    def incident(self) -> str | None:
        """The incident id set during the walk (`set_incident`), if any."""
        return self._walk.incident

    @property
    def query(self) -> str | None:
        """The search the walk started from, if any."""
        return self._walk.query

    @property
    def current(self) -> PathStep:
        """The current step."""
        if not self._walk.path:
            raise WalkError("the session has not started")
        return self._walk.path[-1]

    @property
    def step_index(self) -> int:
        """Index of the current step in the path."""
        return len(self._walk.path) - 1

    @property
    def tree(self) -> Tree:
        """The tree of the current node."""
        return self.trees[self.current.tree_id]

    @property
    def node(self) -> AnyNode:
        """The current node."""
        step = self.current
        return self._walk.node(step.tree_id, step.node_id)

    @property
    def choices(self) -> list[Choice]:
        """The current question's choices (empty for other kinds of node)."""
        node = self.node
        return list(node.choices) if isinstance(node, Question) else []

    @property
    def variables(self) -> dict[str, str]:
        """Values set in this session, secret ones included (check `is_secret`)."""
        return dict(self._walk.values)

    def is_secret(self, name: str) -> bool:
        """Whether a variable is secret: set as secret, or declared secret by any tree."""
        if name in self._walk.secret:
            return True
        return any(t.variables[name].secret for t in self.trees.values() if name in t.variables)

    def value(self, name: str) -> str | None:
        """A variable's value: set in this session, else a declared default, else None."""
        if name in self._walk.values:
            return self._walk.values[name]
        trees = list(self.trees.values())
        if self._walk.path:
            trees.insert(0, self.tree)
        for tree in trees:
            declared = tree.variables.get(name)
            if declared is not None and declared.default is not None:
                return declared.default
        return None

    def fill(self, template: str, *, shell: bool = True) -> FilledCommand:
        """Fill `{name}` placeholders: shell-quoted in a command, as they are with `shell=False`.

        Use `shell=False` for prose (look_for, verify, rollback, a step's `do`);
        `dectree.model.tree.placeholder_fields` says which texts of a node are commands.
        """
        values = {name: v for name in placeholders(template) if (v := self.value(name)) is not None}
        return fill(template, values, self.is_secret, shell=shell)

    def commands(self) -> list[FilledCommand]:
        """The current node's commands, filled."""
        return [self.fill(text) for text in node_commands(self.node)]

    def contact(self, level: Level | None = None) -> Contact | None:
        """The current tree's contact for `level` (default: the current node's level)."""
        if level is None:
            node = self.node
            level = node.level if isinstance(node, (Escalation, Conclusion)) else None
        return None if level is None else self.tree.escalation.get(level)

    @property
    def escalation_offer(self) -> list[tuple[Level, Contact]]:
        """The current tree's contacts, once a conclusion did not fix it and leads nowhere."""
        if self.state is not SessionState.awaiting_escalation:
            return []
        return sorted(self.tree.escalation.items(), key=lambda item: item[0].value)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with every event from now on; returns a function to unsubscribe."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    # -- operations ------------------------------------------------------

    def start(
        self, tree_id: str, node_id: str | None = None, *, via_search: str | None = None
    ) -> None:
        """Begin in `tree_id` at `node_id` (default its start node); `via_search` is the query."""
        tree = self.trees.get(tree_id)
        if tree is None:
            raise WalkError(f"no tree with id '{tree_id}'")
        self._emit(
            SessionStarted,
            session_id=self.id,
            tree_id=tree_id,
            tree_version=tree.version,
            node_id=node_id or tree.start,
            from_search=via_search is not None,
            query=via_search,
        )

    def choose(self, choice: int | str) -> None:
        """Answer the current question by choice index or exact label."""
        node, step = self._walking()
        if not isinstance(node, Question):
            raise WalkError(f"'{step.node_id}' is a {node.kind}, not a question: it has no choices")
        index = _choice_index(node, choice)
        picked = node.choices[index]
        self._emit(
            Answered,
            step=self.step_index,
            tree_id=step.tree_id,
            node_id=step.node_id,
            prompt=node.prompt,
            choice=index,
            label=picked.label,
            next_ref=picked.next,
        )
        self._announce_switch(step)

    def proceed(self) -> None:
        """Action done or escalation acknowledged: move on. A final escalation finishes."""
        node, step = self._walking()
        if isinstance(node, Escalation) and node.next is None:
            self.finish(SessionOutcome.escalated)
            return
        if not isinstance(node, (Action, Escalation)) or node.next is None:
            raise WalkError(f"'{step.node_id}' is a {node.kind}: answer it instead of proceeding")
        self._emit(
            Proceeded,
            step=self.step_index,
            tree_id=step.tree_id,
            node_id=step.node_id,
            next_ref=node.next,
        )
        self._announce_switch(step)

    def jump(self, tree_id: str, node_id: str, *, query: str) -> None:
        """Go on at `tree_id:node_id`, found by searching `query`; the path keeps what came before."""
        self._check_open()
        step = self.current
        tree = self.trees.get(tree_id)
        if tree is None or node_id not in tree.nodes:
            raise WalkError(f"no node '{tree_id}:{node_id}'")
        self._emit(
            Jumped,
            step=self.step_index,
            tree_id=step.tree_id,
            node_id=step.node_id,
            next_ref=f"{tree_id}:{node_id}",
            query=query,
        )
        self._announce_switch(step)

    def confirm_fixed(self, fixed: bool) -> None:
        """At a conclusion: finish if fixed; else follow `if_not_fixed`, or offer escalation."""
        node, step = self._walking()
        if not isinstance(node, Conclusion):
            raise WalkError(f"'{step.node_id}' is a {node.kind}, not a conclusion")
        next_ref = None if fixed else node.if_not_fixed
        self._emit(
            FixConfirmed,
            step=self.step_index,
            tree_id=step.tree_id,
            node_id=step.node_id,
            fixed=fixed,
            next_ref=next_ref,
        )
        if fixed:
            self.finish(_FIXED_OUTCOME[node.outcome])
        elif next_ref is not None:
            self._announce_switch(step)

    def back(self) -> None:
        """Undo the last answer."""
        step = self.current
        self._check_open()
        target = self.step_index if step.answered else self.step_index - 1
        if target < 0:
            raise WalkError("this is the first step: there is nothing to go back to")
        back_to = self._walk.path[target]
        self._emit(WentBack, step=target, tree_id=back_to.tree_id, node_id=back_to.node_id)

    def reopen(self, step_index: int) -> None:
        """Make an earlier step current again, dropping every step after it."""
        if not 0 <= step_index < len(self._walk.path):
            raise WalkError(f"no step {step_index}; the path has {len(self._walk.path)} step(s)")
        step = self._walk.path[step_index]
        self._emit(Reopened, step=step_index, tree_id=step.tree_id, node_id=step.node_id)

    def note(self, text: str, step_index: int | None = None) -> None:
        """Attach a note to a step (default: the current one), replacing its earlier note."""
        if not self.path:
            raise WalkError("the session has not started")
        self._emit(NoteAdded, step=self.step_index if step_index is None else step_index, text=text)

    def set_variable(self, name: str, value: str, *, secret: bool = False) -> None:
        """Set a variable; it is secret if `secret` or if any tree declares it secret."""
        hidden = secret or self.is_secret(name)
        self._emit(VariableSet, name=name, secret=hidden, value=None if hidden else value)
        if hidden:
            self._walk.values[name] = value

    def set_incident(self, incident: str) -> None:
        """Name the incident this walk is for (replacing any name given before)."""
        text = " ".join(incident.split())
        if not text:
            raise WalkError("an incident id cannot be empty")
        self._emit(IncidentSet, incident=text)

    def unset_variable(self, name: str) -> None:
        """Forget a variable's value; commands show `{name}` again (or its default)."""
        self._emit(VariableSet, name=name, secret=False, value=None)

    def copy_command(self, index: int) -> FilledCommand:
        """Record that command `index` of the current node was copied; return it filled."""
        step = self.current
        filled_all = self.commands()
        if not 0 <= index < len(filled_all):
            count = len(filled_all)
            raise WalkError(f"'{step.node_id}' has {count} command(s): no command {index}")
        filled = filled_all[index]
        self._emit(
            CommandCopied,
            step=self.step_index,
            tree_id=step.tree_id,
            node_id=step.node_id,
            index=index,
            command=filled.redacted,
        )
        return filled

    def start_from_search(self, query: str, start: Start, hits: int) -> None:
        """Begin where search said to (`dectree.engine.search.entry`), and record why."""
        self.start(start.tree_id, start.node_id, via_search=query)
        self._record_entry(query, start, hits)

    def jump_from_search(self, query: str, start: Start, hits: int) -> None:
        """Go on where a search during the walk said to, keeping the path, and record why."""
        self.jump(start.tree_id, start.node_id, query=query)
        self._record_entry(query, start, hits)

    def _record_entry(self, query: str, start: Start, hits: int) -> None:
        node = self.node
        label = (
            node.choices[start.choice].label
            if start.choice is not None and isinstance(node, Question)
            else None
        )
        hit = start.hit
        self._emit(
            SearchPerformed,
            query=query,
            hits=hits,
            top=None if hit is None else hit.ref,
            strength=start.strength,
            entry=start.ref,
            hit=None if hit is None else hit.ref,
            field=None if hit is None else hit.field,
            matched=None if hit is None else hit.text,
            suggested=start.choice if label is not None else None,
            suggested_label=label,
        )

    @property
    def suggestion(self) -> int | None:
        """The answer search suggests at the current step, if the walk was entered there."""
        if not self._walk.path:
            return None
        return self._walk.suggestions.get(len(self._walk.path) - 1)

    @property
    def parked(self) -> bool:
        """Whether the walk is parked (the engineer went home and will come back)."""
        return self._walk.parked

    def park(self) -> None:
        """Leave the walk in progress to come back to it (`unpark`)."""
        self._check_open()
        if not self._walk.parked:
            step = self.current
            self._emit(Parked, step=self.step_index, tree_id=step.tree_id, node_id=step.node_id)

    def unpark(self) -> None:
        """Take a parked walk up again where it stood."""
        self._check_open()
        if self._walk.parked:
            step = self.current
            self._emit(Unparked, step=self.step_index, tree_id=step.tree_id, node_id=step.node_id)

    # -- guided checks -----------------------------------------------------

    def runnable_checks(self) -> list[int]:
        """Indexes of the current question's checks that may be run from dectree."""
        node = self.node
        if not isinstance(node, Question):
            return []
        return [i for i, check in enumerate(node.checks) if check.runnable]

    def prepare_check(self, index: int) -> tuple[FilledCommand, float]:
        """Check `index` of the current question, filled, and its timeout; `WalkError` if it cannot run."""
        node, step = self._walking()
        if not isinstance(node, Question) or not node.checks:
            raise WalkError(f"'{step.node_id}' has no checks to run")
        if not 0 <= index < len(node.checks):
            raise WalkError(f"'{step.node_id}' has {len(node.checks)} check(s): no check {index + 1}")
        check = node.checks[index]
        if not check.runnable:
            raise WalkError(
                f"check {index + 1} is marked copy-only (destructive, interactive or run elsewhere): copy it with c"
            )
        filled = self.fill(check.run)
        if filled.missing:
            names = ", ".join("{" + n + "}" for n in filled.missing)
            raise WalkError(f"check {index + 1} needs values for {names} first: press v")
        if filled.refused:
            name, why = filled.refused[0]
            raise WalkError(f"check {index + 1} cannot be filled safely: {{{name}}} {why}")
        return filled, float(check.timeout or DEFAULT_TIMEOUT)

    def check_started(self, index: int) -> tuple[FilledCommand, float, int]:
        """Record that check `index` is about to run; (filled command, timeout, seq of the record)."""
        filled, timeout = self.prepare_check(index)
        step = self.current
        self._emit(
            CheckStarted,
            step=self.step_index,
            tree_id=step.tree_id,
            node_id=step.node_id,
            index=index,
            command=filled.redacted,
            timeout=timeout,
        )
        return filled, timeout, self._events[-1].seq

    def check_ran(self, index: int, result: RunResult, started: int | None = None) -> CheckRan:
        """Record how a run of check `index` ended: output redacted, suggestions made.

        The output is redacted (secret values, credential shapes) before the
        rules see it or anything is recorded.
        """
        node, step = self._walking()
        if not isinstance(node, Question) or not 0 <= index < len(node.checks):
            raise WalkError(f"'{step.node_id}' has no check {index + 1}")
        secrets = {
            name: value for name, value in self._walk.values.items() if self.is_secret(name)
        }
        # Lone surrogates (an agent's JSON can carry them) cannot be written as UTF-8.
        output = result.output.encode("utf-8", "replace").decode("utf-8")
        clean = redact(output, secrets)
        error = redact(result.error, secrets).text if result.error else None
        matches = suggest(node, index, clean.text, result.exit_code)
        self._emit(
            CheckRan,
            step=self.step_index,
            tree_id=step.tree_id,
            node_id=step.node_id,
            index=index,
            started=started,
            command=self.fill(node.checks[index].run).redacted,
            status=result.status.value,
            exit_code=result.exit_code,
            seconds=round(result.duration, 3),
            output=clean.text,
            total_bytes=result.total_bytes,
            cut_bytes=result.cut_bytes,
            redactions=clean.count,
            error=error,
            suggested=[RuleMatch(**m.to_dict()) for m in matches],
        )
        event = self._events[-1]
        assert isinstance(event, CheckRan)
        return event

    def report_output(
        self, index: int, output: str, exit_code: int | None, seconds: float = 0.0
    ) -> CheckRan:
        """Record output of check `index` that was run elsewhere (by an agent, by hand).

        Kept as a run's output is: at most 1 MiB, head and tail, then redacted.
        """
        data = output.encode("utf-8", "replace")
        text, cut = keep(data)
        result = RunResult(RunStatus.exited, exit_code, seconds, text, len(data), cut)
        return self.check_ran(index, result)

    def close_interrupted_runs(self) -> list[CheckRan]:
        """Record each run that started but never ended (dectree stopped) as interrupted."""
        ended = {e.started for e in self._events if isinstance(e, CheckRan)}
        dangling = [
            e for e in self._events if isinstance(e, CheckStarted) and e.seq not in ended
        ]
        closed: list[CheckRan] = []
        for started in dangling:
            if self.state is not SessionState.walking or self.current.node_id != started.node_id:
                continue
            if self.step_index != started.step:
                continue
            result = RunResult(RunStatus.interrupted, None, 0.0, "", 0, 0)
            closed.append(self.check_ran(started.index, result, started.seq))
        return closed

    @property
    def runs(self) -> list[CheckRan]:
        """Every check run of the steps on the path, in order."""
        return list(self._walk.runs)

    def suggestions(self) -> list[RuleMatch]:
        """What the checks run at the current step suggest: the latest run of each check counts."""
        latest: dict[int, CheckRan] = {}
        for run in self._walk.runs:
            if run.step == self.step_index:
                latest.pop(run.index, None)
                latest[run.index] = run
        found: dict[int, RuleMatch] = {}
        for run in reversed(latest.values()):  # the most recent run's line is shown
            for match in run.suggested:
                found.setdefault(match.choice, match)
        return [found[choice] for choice in sorted(found)]

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Search every tree of the session and record the search."""
        if self._index is None:
            from dectree.engine.search import SearchIndex

            self._index = SearchIndex(self.trees)
        hits = self._index.search(query, limit=limit)
        top = f"{hits[0].tree_id}:{hits[0].node_id}" if hits else None
        self._emit(SearchPerformed, query=query, hits=len(hits), top=top)
        return hits

    def finish(self, outcome: SessionOutcome | str, *, level: Level | None = None) -> None:
        """End the session: resolved, workaround, escalated or abandoned."""
        try:
            result = SessionOutcome(outcome)
        except ValueError:
            known = ", ".join(o.value for o in SessionOutcome)
            raise WalkError(f"unknown outcome '{outcome}'; expected one of: {known}") from None
        step = self.current
        if result is SessionOutcome.escalated and level is None:
            node = self.node
            level = node.level if isinstance(node, (Escalation, Conclusion)) else None
        self._emit(
            Finished,
            outcome=result,
            tree_id=step.tree_id,
            node_id=step.node_id,
            level=None if level is None else Level(level).value,
        )

    # -- replay ------------------------------------------------------------

    @classmethod
    def replay(
        cls,
        events: Iterable[Event | Mapping[str, Any]],
        source: TreeSource,
        *,
        clock: Clock | None = None,
    ) -> Replay:
        """Rebuild a session from its events, stopping at the first one the trees do not allow.

        Secret variables come back unset (their values were never recorded).
        """
        session = cls(source, clock=clock)
        applied = 0
        divergence: Divergence | None = None
        for raw in events:
            try:
                event = event_from_dict(raw) if isinstance(raw, Mapping) else raw
            except ValidationError as exc:
                reason = f"malformed event: {exc.errors()[0]['msg']}"
                divergence = session._diverged(None, reason)
                break
            last = session._events[-1].seq if session._events else 0
            if event.seq <= last:
                reason = f"event {event.seq} is out of order (after {last})"
                divergence = session._diverged(event, reason)
                break
            try:
                session._walk.apply(event)
            except WalkError as exc:
                divergence = session._diverged(event, str(exc))
                break
            session._events.append(event)
            applied += 1
        # The recorded id, however far the replay went: a walk that stopped early is
        # still that session (its journal, its lock), never a new one.
        if session._walk.session_id:
            session.id = session._walk.session_id
        return Replay(session, applied, divergence)

    # -- internals -----------------------------------------------------------

    def _diverged(self, event: Event | None, reason: str) -> Divergence:
        step = getattr(event, "step", None)
        last = self._events[-1].seq if self._events else 0
        return Divergence(
            seq=last + 1 if event is None else event.seq,
            step=max(self.step_index, 0) if step is None else step,
            reason=reason,
            tree_id=getattr(event, "tree_id", None),
            node_id=getattr(event, "node_id", None),
        )

    def _check_open(self) -> None:
        if self._walk.outcome is not None:
            raise WalkError(f"the session is finished ({self._walk.outcome.value})")

    def _walking(self) -> tuple[AnyNode, PathStep]:
        step = self.current
        self._check_open()
        if self._walk.awaiting_escalation:
            raise WalkError("the conclusion did not fix it: escalate, finish or go back")
        return self._walk.node(step.tree_id, step.node_id), step

    def _announce_switch(self, previous: PathStep) -> None:
        step = self.current
        if step.tree_id != previous.tree_id:
            self._emit(
                TreeSwitched,
                step=self.step_index,
                from_tree=previous.tree_id,
                from_node=previous.node_id,
                to_tree=step.tree_id,
                to_node=step.node_id,
            )

    def _now(self) -> dt.datetime:
        now = self._clock()
        if now.tzinfo is None:
            return now.replace(tzinfo=dt.timezone.utc)
        return now.astimezone(dt.timezone.utc)

    def _emit(self, kind: type[Any], **fields: Any) -> None:
        last = self._events[-1].seq if self._events else 0
        try:
            event: Event = kind(seq=last + 1, at=self._now(), **fields)
        except ValidationError as exc:  # a step or index out of range, from a caller
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"])
            raise WalkError(f"{where}: {error['msg']}") from None
        self._walk.apply(event)
        self._events.append(event)
        for listener in list(self._listeners):
            listener(event)


def _choice_index(node: Question, choice: int | str) -> int:
    if isinstance(choice, int):
        if 0 <= choice < len(node.choices):
            return choice
        raise WalkError(f"no choice {choice}: the question has {len(node.choices)} choice(s)")
    for index, candidate in enumerate(node.choices):
        if candidate.label == choice:
            return index
    labels = ", ".join(repr(c.label) for c in node.choices)
    raise WalkError(f"no choice labelled {choice!r}; the choices are: {labels}")
