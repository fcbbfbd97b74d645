"""Search from inside a walk (`/`): the same search as the home screen, in a dialog.

Dismisses with the chosen hit and the query; the walk screen decides what to
do with it (go on at the hit, keeping the path).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from dectree.app.host import AppHost, host
from dectree.app.screens.home import SEARCH_LIMIT
from dectree.app.widgets.results import ResultList
from dectree.engine.search import Hit
from dectree.engine.session import tree_map


class SearchScreen(ModalScreen[tuple[Hit, str] | None]):
    """Type, then Enter to pick the best hit (or Down to choose another)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "results", "Results", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        self._hits: list[Hit] = []

    @property
    def dectree(self) -> AppHost:
        return host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog full"):
            yield Static(Content.styled("Search all trees", "bold"), classes="dialog-title")
            yield Input(
                placeholder="Paste an error message or describe the symptom", id="walk-search"
            )
            yield ResultList(id="walk-results")
            yield Static(
                Content.from_markup(
                    "[b]enter[/b] start there   [b]↓[/b] results   [b]esc[/b] cancel"
                ),
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = self.dectree.cursor_blink
        box.focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        app = self.dectree
        if app.index is None or app.catalog is None:
            return
        text = event.value.strip()
        self._hits = app.index.search(text, limit=SEARCH_LIMIT) if text else []
        self.query_one(ResultList).show_hits(self._hits, tree_map(app.catalog), text)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.query_one(ResultList).request_start()

    @on(ResultList.StartRequested)
    def _start(self, event: ResultList.StartRequested) -> None:
        event.stop()
        hit = next(
            (h for h in self._hits if (h.tree_id, h.node_id) == (event.tree_id, event.node_id)),
            None,
        )
        if hit is not None:
            self.dismiss((hit, event.query or ""))

    def action_results(self) -> None:
        self.query_one(ResultList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
