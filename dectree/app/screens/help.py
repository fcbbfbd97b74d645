"""The help screen: every key of the screen below it, from its bindings, explained.

The list is generated from the `BINDINGS` of the screen and the app, so it
cannot drift from what the keys do. Esc, `q` or `?` closes it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "backspace": "backspace",
    "escape": "esc",
}

# Longer explanations, by action; the binding's description is the fallback.
EXPLAIN = {
    "number(1)": "answer with the choice of that number, 1 to 9",
    "back": "undo the last answer and go back one step",
    "note": "write a note on the current step (or on the step highlighted in the path)",
    "variables": "set the variables filled into commands, e.g. {host}",
    "outline": "the outline: the whole tree, your path and the current step marked",
    "search": "search every tree for an error message or symptom",
    "copy": "copy a command to the clipboard (c, then its number if there are several)",
    "run_check": "run a question's check here (r, then its number if there are several): "
    "shows the command and asks every time; the output is recorded and may suggest an answer",
    "path": "move to the path panel; Enter on an earlier step reopens it",
    "export": "export the walk as Markdown: copied to the clipboard, and written under the "
    "sessions directory (the message says where) when the walk is recorded",
    "export_to": "export the walk as Markdown to a file or directory you name",
    "incident": "set the incident id; it is recorded in the walk and named in its export",
    "cancel": "cancel copying, or return to the choices",
    "app.request_quit": "quit (asks first while a walk is in progress)",
    "help": "this help",
}

GENERAL = [
    ("↑ ↓  enter", "move through a list and pick; the mouse works too"),
    ("pgup pgdn", "scroll the step's text while the choices have focus"),
    ("tab", "move between the choices, the text and the path panel"),
    ("ctrl+p", "command palette: every action by name, and the theme (light/dark)"),
    ("ctrl+q", "quit from anywhere"),
]


def key_text(binding: Binding) -> str:
    """How a binding's keys are written for people."""
    if binding.key_display:
        return binding.key_display
    return " ".join(KEY_NAMES.get(k, k) for k in binding.key.split(","))


def binding_rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
    """(keys, explanation) per action, keys of one action merged, hidden number keys folded."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        if binding.action.startswith("number(") and binding.action != "number(1)":
            continue
        explain = EXPLAIN.get(binding.action)
        text = f"{binding.description}: {explain}" if explain else binding.description
        keys, text = rows.get(binding.action, ([], text))
        keys.append(key_text(binding))
        rows[binding.action] = (keys, text)
    return [(" ".join(keys), text) for keys, text in rows.values()]


def table(rows: list[tuple[str, str]]) -> list[Horizontal]:
    """Rows of two columns, keys and explanation, so long lines wrap in their column."""
    return [
        Horizontal(
            Static(Content.styled(keys, "bold $text-secondary"), classes="help-key"),
            Static(Content(text), classes="help-text"),
            classes="help-row",
        )
        for keys, text in rows
    ]


class HelpScreen(ModalScreen[None]):
    """Keys of the screen it was opened on."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, below: Screen[object]) -> None:
        super().__init__(classes="dialog-screen")
        self.below_bindings = list(type(below).BINDINGS)
        self.below_is_walk = type(below).__name__ == "WalkScreen"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog full"):
            yield Static(Content.styled("Keys", "bold"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                own = binding_rows(self.below_bindings)
                if own:
                    yield Static(Content.styled("On this screen", "bold $text-primary"), classes="section")
                    yield from table(own)
                if not self.below_is_walk:
                    from dectree.app.screens.walk import WalkScreen

                    yield Static(
                        Content.styled("During a walk", "bold $text-primary"), classes="section"
                    )
                    yield from table(binding_rows(list(WalkScreen.BINDINGS)))
                shown = {key for key, _ in own} if self.below_is_walk else set()
                everywhere = [row for row in binding_rows(list(type(self.app).BINDINGS))
                              if row[0] not in shown]
                yield Static(Content.styled("Everywhere", "bold $text-primary"), classes="section")
                yield from table(everywhere + GENERAL)
                yield Static(Content.styled("Walking a tree", "bold $text-primary"), classes="section")
                yield Static(
                    Content(
                        "Each step shows a question and the checks that answer it. Run a check, "
                        "read its output, pick the answer. The path on the right lists your "
                        "answers; pick an earlier step there to change it. A conclusion says "
                        "what to do and asks whether it fixed the problem; if not, it shows "
                        "who to escalate to."
                    ),
                    classes="text",
                )
            yield Static(Content.from_markup("[b]esc[/b] close"), classes="dialog-help")

    def action_close(self) -> None:
        self.dismiss(None)
