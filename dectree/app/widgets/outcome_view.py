"""How a walk ends, as widgets: conclusions, escalations and the finished banner.

A conclusion shows its outcome, root cause, resolution steps with their
commands, how to verify and how to roll back. An escalation shows the contact
for its level from the tree's metadata and what to attach. When a conclusion
did not fix the problem and leads nowhere, the tree's escalation path is shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from dectree.app.safe import one_line, paragraph, plain
from dectree.app.widgets.command_block import CommandBlock
from dectree.app.widgets.header import format_elapsed
from dectree.app.widgets.node_parts import Fill, kind_line, markdown, section, unfilled
from dectree.engine.events import SessionOutcome
from dectree.engine.fill import FilledCommand
from dectree.engine.session import Session, SessionState
from dectree.model.tree import Conclusion, Contact, Escalation, Level, Outcome

OUTCOME_STYLE = {
    Outcome.resolved: "$text-success",
    Outcome.workaround: "$text-warning",
    Outcome.escalate: "$text-error",
}
FINISHED_TEXT = {
    SessionOutcome.resolved: ("Resolved", "$text-success"),
    SessionOutcome.workaround: ("Worked around", "$text-warning"),
    SessionOutcome.escalated: ("Escalated", "$text-error"),
    SessionOutcome.abandoned: ("Abandoned", "$text-muted"),
}


def contact_widget(level: Level, contact: Contact | None) -> Static:
    """The contact for one escalation level, or a notice that the tree names none."""
    if contact is None:
        text = Content.styled(f"This tree names no {level.value} contact.", "$text-warning")
        return Static(text, classes="contact")
    lines = [
        Content.assemble((f"{level.value}  ", "bold $text-error"), plain(contact.team, "bold")),
        Content.assemble(("Reach:  ", "bold"), plain(contact.channel)),
        Content.assemble(("When:   ", "bold"), paragraph(contact.when)),
    ]
    if contact.response_target:
        lines.append(Content.assemble(("Target: ", "bold"), plain(contact.response_target)))
    return Static(Content("\n").join(lines), classes="contact")


KIND_TEXT = {Outcome.resolved: "FIX", Outcome.workaround: "WORKAROUND", Outcome.escalate: "ESCALATE"}
"""The badge of a conclusion: the kind of resolution it offers."""


def conclusion_widgets(
    session: Session, node: Conclusion, filled: Sequence[FilledCommand], fill: Fill = unfilled
) -> list[Widget]:
    """Outcome, root cause, resolution, verify, roll back; the escalation path if not fixed.

    `fill` fills the values known into prose (root cause, steps, verify, roll back).
    """
    style = OUTCOME_STYLE[node.outcome]
    # What the tree offers, not what happened: "RESOLVED" read as if the incident were
    # resolved before the engineer had tried anything.
    kind = KIND_TEXT[node.outcome]
    if node.outcome is Outcome.escalate and node.level:
        kind += f" · {node.level.value}"
    widgets: list[Widget] = [
        kind_line(kind, node.title, style),
        section("Root cause"),
        Static(paragraph(fill(node.root_cause), "bold"), classes="prompt"),
    ]
    if node.detail:
        widgets.append(markdown(fill(node.detail)))
    if node.resolution:
        widgets.append(section("Resolution"))
        runs = iter(enumerate(filled))
        single = len(filled) == 1
        for number, step in enumerate(node.resolution, 1):
            parts: list[Widget] = [Static(paragraph(f"{number}. {fill(step.do)}"), classes="step-text")]
            if step.run:
                index, command = next(runs)
                parts.append(CommandBlock(index + 1, command, single=single))
            widgets.append(Vertical(*parts, classes="step"))
    if node.verify:
        widgets += [section("Verify"), Static(paragraph(fill(node.verify)), classes="text")]
    if node.rollback:
        widgets += [section("Roll back"), Static(paragraph(fill(node.rollback)), classes="text")]
    if node.outcome is Outcome.escalate and node.level:
        widgets += [section("Escalate to"), contact_widget(node.level, session.contact(node.level))]
    if session.state is SessionState.awaiting_escalation:
        widgets.append(section("Not fixed: the escalation path"))
        offer = session.escalation_offer
        if not offer:
            widgets.append(
                Static(Content.styled("This tree names no escalation contacts.", "$text-warning"))
            )
        widgets += [contact_widget(level, contact) for level, contact in offer]
    return widgets


def escalation_widgets(session: Session, node: Escalation, fill: Fill = unfilled) -> list[Widget]:
    """The level, the reason, who to contact and what to attach."""
    widgets: list[Widget] = [
        kind_line(f"ESCALATE TO {node.level.value}", node.title, "$text-error"),
        Static(paragraph(fill(node.reason), "bold"), classes="prompt"),
        section("Contact"),
        contact_widget(node.level, session.contact(node.level)),
    ]
    if node.attach:
        widgets.append(section("Attach"))
        items = [Content.assemble("• ", plain(one_line(fill(item)))) for item in node.attach]
        widgets.append(Static(Content("\n").join(items), classes="text"))
    return widgets


def finished_banner(session: Session) -> Static:
    """`Resolved · 4 steps · 03:12`: how and when the walk ended."""
    outcome = session.outcome or SessionOutcome.abandoned
    text, style = FINISHED_TEXT[outcome]
    steps = len(session.path)
    started = session.path[0].entered_at
    ended = session.events[-1].at
    parts: list[str | tuple[str, str]] = [
        (f" Walk finished: {text} ", f"bold reverse {style}"),
        f"  {steps} step{'s' if steps != 1 else ''} · {format_elapsed(ended - started)}",
    ]
    level = getattr(session.events[-1], "level", None)
    if outcome is SessionOutcome.escalated and level:
        parts.append(f" · to {level}")
    return Static(Content.assemble(*parts), classes="finished")
