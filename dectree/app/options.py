"""What the engineer can answer at the current step, as data.

The walk screen shows these as its numbered choices; a test can read them and
call `Option.pick` without any screen. Each option is one engine operation
(`choose`, `proceed`, `confirm_fixed`, `finish`) or, once the walk is over, an
app action named by `app_action` ("home" or "quit"). No Textual here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dectree.engine.events import SessionOutcome
from dectree.engine.session import Session, SessionState
from dectree.model.tree import Action, Conclusion, Escalation, Level, Outcome, Question, split_ref


@dataclass(frozen=True)
class Option:
    """One thing the engineer can answer. `label` may be untrusted tree text; `hint` is ours."""

    label: str
    hint: str = ""
    run: Callable[[Session], None] | None = None
    app_action: str | None = None
    suggested: str | None = None
    """Set when a check's output suggests this answer: the line that matched (or how)."""

    def pick(self, session: Session) -> str | None:
        """Apply the option to the session; return the app action to run, if any."""
        if self.run is not None:
            self.run(session)
        return self.app_action


def _choose(index: int) -> Callable[[Session], None]:
    return lambda session: session.choose(index)


def _escalate(level: Level) -> Callable[[Session], None]:
    return lambda session: session.finish(SessionOutcome.escalated, level=level)


def _link_hint(ref: str, session: Session) -> str:
    tree_id, _ = split_ref(ref, session.current.tree_id)
    if tree_id == session.current.tree_id:
        return ""
    other = session.trees.get(tree_id)
    title = other.title.split(":", 1)[0] if other else tree_id
    return f"opens {title or tree_id}"


def _hint(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def options(session: Session) -> list[Option]:
    """The options at the session's current step, in the order shown."""
    state = session.state
    if state is SessionState.not_started:
        return []
    if state is SessionState.finished:
        return [
            Option("Start another walk", "home screen", app_action="home"),
            Option("Quit dectree", app_action="quit"),
        ]
    if state is SessionState.awaiting_escalation:
        offer = [
            Option(
                f"Escalate to {level.value}: {contact.team}",
                f"via {contact.channel}",
                run=_escalate(level),
            )
            for level, contact in session.escalation_offer
        ]
        if not offer:
            offer = [
                Option(
                    "Escalate",
                    "this tree names no contacts",
                    run=lambda s: s.finish(SessionOutcome.escalated),
                )
            ]
        offer.append(
            Option(
                "End the walk without escalating",
                "recorded as abandoned",
                run=lambda s: s.finish(SessionOutcome.abandoned),
            )
        )
        return offer
    node = session.node
    if isinstance(node, Question):
        suggested = session.suggestion
        from_output = {
            m.choice: (m.line if m.line is not None else "the exit code matched")
            for m in session.suggestions()
        }
        return [
            Option(
                choice.label,
                _hint(
                    "search suggests this" if i == suggested else "",
                    _link_hint(choice.next, session),
                ),
                run=_choose(i),
                suggested=from_output.get(i),
            )
            for i, choice in enumerate(node.choices)
        ]
    if isinstance(node, Action):
        return [Option("Done: continue", _link_hint(node.next, session), run=Session.proceed)]
    if isinstance(node, Escalation):
        if node.next is None:
            return [Option(f"Escalated to {node.level.value}: end the walk", run=Session.proceed)]
        return [
            Option(
                "Escalated: continue while waiting",
                _link_hint(node.next, session),
                run=Session.proceed,
            ),
            Option(
                f"Handed over to {node.level.value}: end the walk",
                "recorded as escalated",
                run=_escalate(node.level),
            ),
        ]
    if not isinstance(node, Conclusion):
        return []
    not_fixed_hint = "go on to the next step" if node.if_not_fixed else "show the escalation path"
    if node.outcome is Outcome.escalate:
        level = f" to {node.level.value}" if node.level else ""
        return [
            Option(f"Escalated{level}: end the walk", run=lambda s: s.confirm_fixed(True)),
            Option("Could not hand it over", not_fixed_hint, run=lambda s: s.confirm_fixed(False)),
        ]
    return [
        Option("Fixed: the problem is gone", run=lambda s: s.confirm_fixed(True)),
        Option("Not fixed", not_fixed_hint, run=lambda s: s.confirm_fixed(False)),
    ]
