"""Pieces every node view is built from: section headings, the kind line, Markdown, commands, sources.

Shared by `node_view` (questions and actions) and `outcome_view` (conclusions
and escalations), so neither imports the other's module for them. Tree text is
shown literally (`dectree.app.safe`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from dectree.app.safe import clean, one_line, plain
from dectree.app.widgets.command_block import RUN, CommandBlock
from dectree.app.widgets.tree_markdown import TreeMarkdown
from dectree.engine.fill import FilledCommand
from dectree.engine.session import Session
from dectree.model.tree import Command, Reference

Fill = Callable[[str], str]


def prose_filler(session: Session) -> Fill:
    """Fills `{name}` in prose with the values known (secrets stay `{name}`), unquoted."""
    return lambda text: session.fill(text, shell=False).redacted


def unfilled(text: str) -> str:
    """The text as written (for views with no session)."""
    return text


def section(title: str) -> Static:
    """A section heading (our own text only)."""
    return Static(Content.styled(title, "bold $text-primary"), classes="section")


def kind_line(kind: str, title: str | None, style: str = "$text-primary") -> Static:
    """`KIND · title` above the prompt."""
    parts: list[str | Content | tuple[str, str]] = [(f" {kind} ", f"bold reverse {style}")]
    if title:
        parts += ["  ", plain(one_line(title), "bold")]
    return Static(Content.assemble(*parts), classes="kind")


def markdown(text: str) -> TreeMarkdown:
    """Tree-authored Markdown; links are reported, never followed or run."""
    return TreeMarkdown(clean(text))


def command_blocks(
    commands: Sequence[Command],
    filled: Sequence[FilledCommand],
    fill: Fill = unfilled,
    *,
    run_off: str | None = None,
    runs: bool = False,
) -> list[Widget]:
    """One block per command, numbered as the copy keys number them.

    With `runs` (a question's checks) each block also says whether `r` runs
    it: `run_off` is why running is turned off, if it is.
    """
    single = len(filled) == 1

    def run_note(command: Command) -> str | None:
        if not runs:
            return None
        if not command.runnable:
            return "(copy only)"
        return f"(run: off, {run_off})" if run_off else RUN

    return [
        CommandBlock(
            i + 1,
            f,
            look_for=fill(c.look_for) if c.look_for else c.look_for,
            where=c.where,
            single=single,
            run=run_note(c),
        )
        for i, (c, f) in enumerate(zip(commands, filled, strict=True))
    ]


def references(refs: Sequence[Reference]) -> list[Widget]:
    """Sources, shown as text (title and address); nothing is clickable."""
    if not refs:
        return []
    lines = [
        Content.assemble(plain(one_line(r.title)), "\n  ", plain(one_line(r.url), "$text-muted"))
        for r in refs
    ]
    return [section("Sources"), Static(Content("\n").join(lines), classes="refs")]
