"""The main column of the walk: the current node, rendered by kind.

Questions and actions show their prompt, their `detail` as Markdown and their
commands; conclusions and escalations are built by `outcome_view`. Everything
from the tree is shown literally (`dectree.app.safe`); Markdown links never
run app actions: a click only shows the address.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from dectree.app.safe import clean, one_line, paragraph, plain
from dectree.app.widgets.command_block import CommandBlock
from dectree.app.widgets.node_parts import (
    Fill,
    command_blocks,
    kind_line,
    markdown,
    prose_filler,
    references,
    section,
    unfilled,
)
from dectree.app.widgets.outcome_view import (
    conclusion_widgets,
    escalation_widgets,
    finished_banner,
)
from dectree.app.widgets.tree_markdown import TreeMarkdown, prepare
from dectree.engine.fill import FilledCommand
from dectree.engine.session import Session, SessionState
from dectree.model.tree import Action, AnyNode, Conclusion, Escalation, Question, split_ref


def question_widgets(
    node: Question | Action,
    filled: Sequence[FilledCommand],
    fill: Fill = unfilled,
    run_off: str | None = None,
) -> list[Widget]:
    """Prompt, detail, commands (and how to verify, for an action); `fill` fills prose."""
    is_question = isinstance(node, Question)
    widgets: list[Widget] = [
        kind_line("QUESTION" if is_question else "ACTION", node.title),
        Static(paragraph(fill(node.prompt), "bold"), classes="prompt"),
    ]
    if node.detail:
        widgets.append(markdown(fill(node.detail)))
    commands = node.checks if isinstance(node, Question) else node.commands
    if commands:
        widgets.append(section("Checks" if is_question else "Commands"))
        widgets.extend(command_blocks(commands, filled, fill, run_off=run_off, runs=is_question))
    if isinstance(node, Action) and node.verify:
        widgets += [section("Verify"), Static(paragraph(fill(node.verify)), classes="text")]
    return widgets


def run_widgets(session: Session) -> list[Widget]:
    """The checks run at this step: how each ended and what it suggested."""
    runs = [r for r in session.runs if r.step == session.step_index]
    if not runs:
        return []
    lines: list[Content] = []
    for run in runs[-3:]:
        if run.status == "exited":
            how = f"exit {run.exit_code}"
        else:
            how = run.status.replace("_", " ")
        took = f"{run.seconds:.1f} s"
        parts: list[str | Content | tuple[str, str]] = [
            (f"check {run.index + 1}: ", "bold"),
            f"{how}, {took}, {run.total_bytes:,} bytes",
        ]
        if run.redactions:
            parts.append(f", {run.redactions} redacted")
        if not run.suggested and run.status == "exited":
            parts.append(("  no rule matched: choose from what it showed", "$text-muted"))
        lines.append(Content.assemble(*parts))
        for match in run.suggested:
            seen = f": {match.line}" if match.line else " (exit code)"
            lines.append(
                Content.assemble(
                    ("  suggests ", "$text-success"),
                    plain(one_line(match.label), "bold $text-success"),
                    plain(one_line(seen, 120), "$text-muted"),
                )
            )
    return [section("Checks run here"), Static(Content("\n").join(lines), classes="text")]


def node_widgets(session: Session, run_off: str | None = None) -> list[Widget]:
    """Every widget for the session's current step."""
    node = session.node
    filled = session.commands()
    fill = prose_filler(session)
    widgets: list[Widget] = []
    if session.state is SessionState.finished:
        widgets.append(finished_banner(session))
    if isinstance(node, (Question, Action)):
        widgets += question_widgets(node, filled, fill, run_off)
        widgets += run_widgets(session)
    elif isinstance(node, Conclusion):
        widgets += conclusion_widgets(session, node, filled, fill)
    elif isinstance(node, Escalation):
        widgets += escalation_widgets(session, node, fill)
    note = session.current.note
    if note:
        widgets += [section("Your note"), Static(plain(note), classes="note")]
    widgets += references(node.references)
    return widgets


async def refill(before: Widget, after: Widget) -> bool:
    """Make `before` (mounted) show what `after` (never mounted) would; False if it cannot.

    Only widgets of the same type, id and classes are refilled; their content
    is already escaped (`Content`, `Text`), so nothing is parsed as markup.
    """
    if type(before) is not type(after) or before.id != after.id or before.classes != after.classes:
        return False
    if isinstance(before, TreeMarkdown) and isinstance(after, TreeMarkdown):
        if before.text != after.text:
            await before.refill(after.text)
        return True
    if isinstance(before, CommandBlock) and isinstance(after, CommandBlock):
        before.refill(after)
        return True
    if type(before) is Static and isinstance(after, Static):
        content = after.content
        if not isinstance(content, (Content, Text)):
            return False
        if before.content != content:
            before.update(content)
        return True
    return False


def next_nodes(session: Session) -> list[AnyNode]:
    """The nodes one answer away from the current one (a question's choices, an action's next)."""
    node = session.node
    refs = [c.next for c in node.choices] if isinstance(node, Question) else []
    if isinstance(node, Action):
        refs.append(node.next)
    found = []
    for ref in refs:
        tree_id, node_id = split_ref(ref, session.current.tree_id)
        tree = session.trees.get(tree_id)
        target = tree.nodes.get(node_id) if tree is not None else None
        if target is not None:
            found.append(target)
    return found


class NodeView(VerticalScroll):
    """Scrollable view of the current node.

    A new step refills the widgets already on screen where the new node has a
    widget of the same kind in the same place (a question after a question
    keeps its kind line, prompt, detail and command blocks) and mounts or
    removes only the rest: mounting a widget costs far more than updating one.
    """

    def __init__(self) -> None:
        super().__init__(id="node")
        self._shown: tuple[object, ...] | None = None

    async def show(self, session: Session, run_off: str | None = None) -> None:
        """Render the session's current step (scrolling to the top on a new step)."""
        step = session.current
        key = (
            session.step_index,
            step.ref,
            session.state,
            step.note,
            tuple(session.variables.items()),
            len(session.runs),
            run_off,
        )
        if key == self._shown:
            return
        new_step = self._shown is None or self._shown[:2] != key[:2]
        self._shown = key
        with self.app.batch_update():
            await self._replace(node_widgets(session, run_off))
        if new_step:
            self.scroll_home(animate=False)
            self.call_after_refresh(self._prepare_next, session)

    def _prepare_next(self, session: Session) -> None:
        """Parse and lay out the details of the nodes one answer away, while this one is read."""
        shown = self.query(TreeMarkdown)
        width = shown.first().content_region.width if shown else self.content_region.width
        fill = prose_filler(session)  # as `node_widgets` fills them
        details = [getattr(node, "detail", None) for node in next_nodes(session)]
        prepare((clean(fill(text)) for text in details if text), width)

    async def _replace(self, widgets: list[Widget]) -> None:
        kept = 0
        children = list(self.children)
        for before, after in zip(children, widgets, strict=False):
            if not await refill(before, after):
                break
            kept += 1
        if kept < len(children):
            await self.remove_children(children[kept:])
        if kept < len(widgets):
            await self.mount_all(widgets[kept:])
