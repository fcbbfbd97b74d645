"""A yes/no question in a dialog: `y`/Enter on the focused button, `n`/Esc to refuse."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from dectree.app.safe import plain


class ConfirmScreen(ModalScreen[bool]):
    """Ask one question; dismiss with True (yes) or False (no)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, message: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog-screen")
        self.message = message
        self.yes = yes
        self.no = no

    DIALOG_CLASSES = "dialog"

    def body(self) -> ComposeResult:
        """What the dialog says above its buttons (subclasses say more)."""
        yield Static(plain(self.message), classes="dialog-text")

    def compose(self) -> ComposeResult:
        with Vertical(classes=self.DIALOG_CLASSES):
            yield from self.body()
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="error")
                yield Button(f"{self.no} (n)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class QuitWalkScreen(ModalScreen[str | None]):
    """Quitting in the middle of a walk: keep it for later (the default), abandon it,
    or stay. Dismisses with "keep", "abandon" or None.

    Quitting used to abandon the walk, so `dectree resume --last` reopened it as
    finished; at 3 a.m. `q` means "not now", not "this walk failed".
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k,y", "choose('keep')", "Keep for later"),
        Binding("a", "choose('abandon')", "Abandon"),
        Binding("n,escape", "choose(None)", "Stay"),
    ]

    def __init__(self, parked: int = 0) -> None:
        super().__init__(classes="dialog-screen")
        self.parked = parked

    def compose(self) -> ComposeResult:
        others = f" {self.parked} parked walk(s) also stay in progress." if self.parked else ""
        with Vertical(classes="dialog"):
            yield Static(
                plain(
                    "Quit? Keep this walk for later (dectree resume --last reopens it where "
                    "it stands), or abandon it (recorded as abandoned)." + others
                ),
                classes="dialog-text",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Keep for later (k)", id="keep", variant="primary")
                yield Button("Abandon (a)", id="abandon", variant="error")
                yield Button("Stay (n)", id="stay")

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None if event.button.id == "stay" else event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
