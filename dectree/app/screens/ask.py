"""One line of text in a dialog: the incident id, the file to export to. Enter saves, Esc cancels."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from dectree.app.safe import clean, plain


class AskScreen(ModalScreen[str | None]):
    """Ask for one line; dismiss with the text typed (stripped), or None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, *, value: str = "", help_text: str = "", placeholder: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.value = value
        self.help_text = help_text
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(Content.styled(self.title_text, "bold"), classes="dialog-title")
            if self.help_text:
                yield Static(plain(self.help_text), classes="dialog-text")
            yield Input(clean(self.value), placeholder=self.placeholder, id="ask-input")
            yield Static(
                Content.from_markup("[b]enter[/b] save   [b]esc[/b] cancel"), classes="dialog-help"
            )

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
