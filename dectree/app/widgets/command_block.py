"""One command of a node: where to run it, the command with variables filled in,
the key that copies it, and what to look for in its output.

Placeholders without a value stay visible as `{name}` and are highlighted; a
secret value is shown masked (the clipboard gets the real one). Clicking the
block copies it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from dectree.app.safe import clean, paragraph, plain
from dectree.fill import FilledCommand

SECRET_MASK = "••••••"
LINES = ("command-key", "command-text", "command-missing", "command-look")


def command_content(filled: FilledCommand) -> Content:
    """The command as shown: values highlighted, missing ones warned, secrets masked."""
    parts: list[str | tuple[str, str]] = ["$ "]
    for segment in filled.segments:
        if segment.variable is None:
            parts.append(clean(segment.text))
        elif segment.missing:
            parts.append((clean(segment.text), "bold $text-warning"))
        elif segment.secret:
            parts.append((SECRET_MASK, "bold $text-accent"))
        else:
            parts.append((clean(segment.text), "bold $text-accent"))
    return Content.assemble(*parts)


class CommandBlock(Vertical):
    """A copyable command. `number` is 1-based and matches the copy key.

    Its four lines (copy key, command, unset variables, what to look for) always
    exist and are hidden when empty, so `refill` can show another command in
    the same widgets: the walk screen reuses blocks from step to step.
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
    ) -> None:
        super().__init__(classes="command")
        self.number = number
        self.filled = filled
        self.look_for = look_for
        self.where = where
        self.single = single

    def compose(self) -> ComposeResult:
        for name, content in zip(LINES, self._lines(), strict=True):
            line = Static(content or "", classes=name)
            line.display = content is not None
            yield line

    def refill(self, other: CommandBlock) -> None:
        """Show what `other` (a block that is not mounted) would show, in these widgets."""
        self.number, self.filled, self.single = other.number, other.filled, other.single
        self.look_for, self.where = other.look_for, other.where
        if not self.is_mounted:
            return
        for line, content in zip(self.query_children(Static), self._lines(), strict=True):
            line.display = content is not None
            line.update(content or "")

    def _lines(self) -> list[Content | None]:
        """Copy key and where, the command, the unset variables, what to look for."""
        key = "c" if self.single else f"c {self.number}"
        top: list[str | Content | tuple[str, str]] = [(f"[{key}] copy", "bold $text-secondary")]
        if self.where:
            top += ["  ", plain(self.where, "italic $text-muted")]
        missing = None
        if self.filled.missing:
            names = ", ".join("{" + name + "}" for name in self.filled.missing)
            missing = Content.assemble(
                ("not set: ", "$text-warning"),
                plain(names, "$text-warning"),
                ("  (v to set)", "$text-muted"),
            )
        look = None
        if self.look_for:
            look = Content.assemble(("Look for: ", "bold"), paragraph(self.look_for))
        return [Content.assemble(*top), command_content(self.filled), missing, look]

    def on_click(self) -> None:
        self.post_message(self.CopyRequested(self.number - 1))
