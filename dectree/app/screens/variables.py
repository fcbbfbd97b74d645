"""Set the variables that fill `{placeholders}` in commands and prose.

Two groups: the placeholders of the current step first ("Needed at this
step"), then the rest the current tree declares and any others set in this
walk. Each value is a bordered field under the variable's name, description
and example; the list scrolls. Secret variables are typed into a masked
field. Enter or Ctrl+S saves, Esc cancels; an empty field leaves its variable
as it was.
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
from dectree.model.tree import AnyNode, node_commands, placeholders


def node_texts(node: AnyNode) -> list[str]:
    """The texts of a node that placeholders are filled into: commands first, then prose."""
    texts = list(node_commands(node))
    for name in ("prompt", "detail", "verify", "rollback", "root_cause", "reason"):
        value = getattr(node, name, None)
        if isinstance(value, str):
            texts.append(value)
    texts += [step.do for step in getattr(node, "resolution", ())]
    texts += [check.look_for or "" for check in getattr(node, "checks", ())]
    texts += [command.look_for or "" for command in getattr(node, "commands", ())]
    return texts


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
    used_here = [p for text in node_texts(session.node) for p in placeholders(text)]
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

        here = sum(row.here for row in self.rows)
        with Vertical(classes="dialog full"):
            yield Static(Content.styled("Variables", "bold"), classes="dialog-title")
            with VerticalScroll(id="variables"):
                if not self.rows:
                    yield Static("No variables are used here.", classes="dialog-text")
                for index, row in enumerate(self.rows):
                    if index == 0 and row.here:
                        yield Static(
                            Content.styled(f"Needed at this step ({here})", "bold $text-primary"),
                            classes="var-group",
                        )
                    elif index == here:
                        yield Static(
                            Content.styled("Other variables", "bold $text-primary"),
                            classes="var-group",
                        )
                    title: list[str | Content | tuple[str, str]] = [
                        ("{" + row.name + "}", "bold $text-accent")
                    ]
                    if row.secret:
                        title.append(("  secret: never recorded", "$text-warning"))
                    if row.description:
                        title += ["  ", plain(one_line(row.description), "$text-muted")]
                    if row.example:
                        title += ["  ", plain(f"(example: {one_line(row.example)})", "$text-muted")]
                    yield Static(Content.assemble(*title), classes="var-name")
                    yield Input(
                        "" if row.secret else row.value,
                        placeholder="(set, hidden: type to replace)"
                        if row.secret and row.value
                        else "",
                        password=row.secret,
                        id=f"var-{row.name}",
                        classes="var-input",
                    )
            yield Static(
                Content.from_markup(
                    "[b]enter[/b] or [b]ctrl+s[/b] save   [b]esc[/b] cancel   "
                    "[b]tab[/b] next   empty: kept as it was"
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
