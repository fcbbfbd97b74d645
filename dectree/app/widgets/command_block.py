"""One command of a node: where to run it, the command with variables filled in,
the key that copies it, and what to look for in its output.

Placeholders without a value stay visible as `{name}` and are highlighted; a
secret value is shown masked (the clipboard gets the real one). Clicking the
block copies it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from dectree.app.safe import clean, paragraph, plain
from dectree.engine.fill import FilledCommand

SECRET_MASK = "••••••"
RUN = "run"
"""`run` value of a block whose command can be run with `r`; other values are shown as said."""


def command_content(filled: FilledCommand) -> Content:
    """The command as shown: values highlighted, missing ones warned, secrets masked."""
    parts: list[str | tuple[str, str]] = ["$ "]
    for segment in filled.segments:
        if segment.variable is None:
            parts.append(clean(segment.text))
        elif segment.missing or segment.refused:
            parts.append((clean(segment.text), "bold $text-warning"))
        elif segment.secret:
            parts.append((SECRET_MASK, "bold $text-accent"))
        else:
            parts.append((clean(segment.text), "bold $text-accent"))
    return Content.assemble(*parts)


class CommandBlock(Static):
    """A copyable command. `number` is 1-based and matches the copy key.

    One widget whose lines are the copy key (and where to run it), the command,
    the variables not set yet and what to look for: the walk screen refills it
    with the next node's command (`refill`) instead of mounting a new one.
    """

    @dataclass
    class CopyRequested(Message):
        """The engineer clicked a command block."""

        index: int

    def __init__(
        self,
        number: int,
        filled: FilledCommand,
        *,
        look_for: str | None = None,
        where: str | None = None,
        single: bool = False,
        run: str | None = None,
    ) -> None:
        super().__init__(classes="command")
        self.number = number
        self.filled = filled
        self.look_for = look_for
        self.where = where
        self.single = single
        self.run = run
        self.update(self._content())

    def refill(self, other: CommandBlock) -> None:
        """Show what `other` (a block that is not mounted) shows."""
        self.number, self.filled, self.single = other.number, other.filled, other.single
        self.look_for, self.where, self.run = other.look_for, other.where, other.run
        self.update(self._content())

    def _content(self) -> Content:
        key = "c" if self.single else f"c {self.number}"
        top: list[str | Content | tuple[str, str]] = [(f"[{key}] copy", "bold $text-secondary")]
        if self.run == RUN:
            run_key = "r" if self.single else f"r {self.number}"
            top += ["  ", (f"[{run_key}] run", "bold $text-secondary")]
        elif self.run:
            top += ["  ", plain(self.run, "$text-muted")]
        if self.where:
            top += ["  ", plain(self.where, "italic $text-muted")]
        lines = [Content.assemble(*top), command_content(self.filled)]
        for name, why in self.filled.refused:
            lines.append(
                Content.assemble(
                    ("not filled: ", "$text-error"), plain("{" + name + "}: " + why, "$text-error")
                )
            )
        if self.filled.missing:
            names = ", ".join("{" + name + "}" for name in self.filled.missing)
            lines.append(
                Content.assemble(
                    ("not set: ", "$text-warning"),
                    plain(names, "$text-warning"),
                    ("  (v to set)", "$text-muted"),
                )
            )
        if self.look_for:
            lines.append(Content.assemble(("Look for: ", "bold"), paragraph(self.look_for)))
        return Content("\n").join(lines)

    def on_click(self) -> None:
        self.post_message(self.CopyRequested(self.number - 1))
