"""Set the variables that fill `{placeholders}` in commands.

Lists the placeholders of the current step first, then the rest the current
tree declares, then any others set in this walk. Secret variables are typed
into a masked field. Enter or Ctrl+S saves, Esc cancels; an empty field leaves
its variable as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from dectree.engine.session import Session
from dectree.model.tree import node_commands, placeholders


@dataclass(frozen=True)
class VariableRow:
    """One variable as the dialog shows it."""

    name: str
    description: str
    example: str
    value: str
    secret: bool
    here: bool


def variable_rows(session: Session) -> list[VariableRow]:
    """The variables worth showing at the current step, in order."""
    used_here = [p for text in node_commands(session.node) for p in placeholders(text)]
    declared = list(session.tree.variables)
    names = list(dict.fromkeys([*used_here, *declared, *session.variables]))
    rows = []
    for name in names:
        spec = session.tree.variables.get(name) or next(
            (t.variables[name] for t in session.trees.values() if name in t.variables), None
        )
        rows.append(
            VariableRow(
                name=name,
                description=spec.description if spec else "",
                example=(spec.example or "") if spec else "",
                value=session.value(name) or "",
                secret=session.is_secret(name),
                here=name in used_here,
            )
        )
    return rows


class VariablesScreen(ModalScreen[dict[str, str | None] | None]):
    """Edit variable values; dismiss with the changed ones (None: cleared), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(classes="dialog-screen")
        self.rows = variable_rows(session)

    def compose(self) -> ComposeResult:
        from dectree.app.safe import one_line, plain

        with Vertical(classes="dialog full"):
            yield Static(Content.styled("Variables", "bold"), classes="dialog-title")
            with VerticalScroll(id="variables"):
                if not self.rows:
                    yield Static("No variables are used here.", classes="dialog-text")
                for row in self.rows:
                    title: list[str | Content | tuple[str, str]] = [
                        ("{" + row.name + "}", "bold $text-accent")
                    ]
                    if row.here:
                        title.append(("  used at this step", "$text-muted"))
                    if row.secret:
                        title.append(("  secret: never recorded", "$text-warning"))
                    yield Static(Content.assemble(*title), classes="var-name")
                    if row.description:
                        yield Static(plain(one_line(row.description)), classes="var-help")
                    yield Input(
                        "" if row.secret else row.value,
                        placeholder=one_line(f"e.g. {row.example}") if row.example else "",
                        password=row.secret,
                        compact=True,
                        id=f"var-{row.name}",
                    )
            yield Static(
                Content.from_markup(
                    "[b]enter[/b] or [b]ctrl+s[/b] save   [b]esc[/b] cancel   [b]tab[/b] next field"
                ),
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        blink = getattr(self.app, "cursor_blink", True)
        inputs = list(self.query(Input))
        for field in inputs:
            field.cursor_blink = blink
        if inputs:
            inputs[0].focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        changed: dict[str, str | None] = {}
        for row in self.rows:
            value = self.query_one(f"#var-{row.name}", Input).value
            if value and (row.secret or value != row.value):
                changed[row.name] = value
            elif not value and not row.secret and row.value:
                changed[row.name] = None  # cleared: commands show {name} again
        self.dismiss(changed)

    def action_cancel(self) -> None:
        self.dismiss(None)
