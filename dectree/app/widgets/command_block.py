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
    """A copyable command. `number` is 1-based and matches the copy key."""

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
        key = "c" if self.single else f"c {self.number}"
        top: list[str | Content | tuple[str, str]] = [(f"[{key}] copy", "bold $text-secondary")]
        if self.where:
            top += ["  ", plain(self.where, "italic $text-muted")]
        yield Static(Content.assemble(*top), classes="command-key")
        yield Static(command_content(self.filled), classes="command-text")
        if self.filled.missing:
            names = ", ".join("{" + name + "}" for name in self.filled.missing)
            yield Static(
                Content.assemble(
                    ("not set: ", "$text-warning"), plain(names, "$text-warning"), ("  (v to set)", "$text-muted")
                ),
                classes="command-missing",
            )
        if self.look_for:
            yield Static(
                Content.assemble(("Look for: ", "bold"), paragraph(self.look_for)),
                classes="command-look",
            )

    def on_click(self) -> None:
        self.post_message(self.CopyRequested(self.number - 1))
