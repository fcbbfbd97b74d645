"""Search from inside a walk (`/`): the same search and entry rule as the home screen, in a dialog.

Dismisses with where to go on (`dectree.engine.search.Start`), the query and
the number of hits; the walk screen decides what to do with it (go on there,
keeping the path). Enter goes where `entry` says; Down, then Enter, to a
chosen hit (a conclusion is entered at the question that decides it).
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
from dectree.app.safe import one_line, plain
from dectree.app.screens.home import SEARCH_LIMIT, SHOWN_LIMIT
from dectree.app.widgets.query_input import QueryInput
from dectree.app.widgets.results import ResultList
from dectree.engine.search import Start, entry, start_at, worth_showing
from dectree.engine.session import tree_map


class SearchScreen(ModalScreen[tuple[Start, str, int] | None]):
    """Type, then Enter to go where search says (or Down to choose a hit)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "results", "Results", show=False),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self._query = query
        self._start: Start | None = None
        self._count = 0

    @property
    def dectree(self) -> AppHost:
        return host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog full"):
            yield Static(Content.styled("Search all trees", "bold"), classes="dialog-title")
            yield QueryInput(
                self._query,
                placeholder="Paste an error message or describe the symptom",
                id="walk-search",
            )
            yield Static(id="walk-search-entry")
            yield ResultList(id="walk-results")
            yield Static(
                Content.from_markup(
                    "[b]enter[/b] go on there   [b]↓[/b] results   [b]esc[/b] cancel"
                ),
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = self.dectree.cursor_blink
        box.focus()
        self._update(self._query)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._update(event.value)

    def _update(self, query: str) -> None:
        app = self.dectree
        if app.index is None or app.catalog is None:
            return
        trees = tree_map(app.catalog)
        text = query.strip()
        hits = app.index.search(text, limit=SEARCH_LIMIT) if text else []
        self._start, self._count = entry(trees, hits), len(hits)
        self.query_one(ResultList).show_hits(
            worth_showing(hits, SHOWN_LIMIT),
            trees,
            text,
            self._start.tree_id if self._start else None,
        )
        line = self.query_one("#walk-search-entry", Static)
        if not text:
            line.update("")
        elif self._start is None:
            line.update(Content.styled("No step matches clearly: ↓ to choose one", "$text-muted"))
        else:
            node = trees[self._start.tree_id].nodes[self._start.node_id]
            line.update(
                Content.assemble(
                    ("Enter: ", "bold"),
                    plain(one_line(node.title or self._start.node_id, 50), "bold"),
                    (f"  ({self._start.strength})", "$text-muted"),
                )
            )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if self._start is not None:
            self.dismiss((self._start, event.value.strip(), self._count))
        elif self.query_one(ResultList).targets:
            self.query_one(ResultList).focus()

    @on(ResultList.StartRequested)
    def _start_requested(self, event: ResultList.StartRequested) -> None:
        event.stop()
        catalog = self.dectree.catalog
        if event.hit is None or catalog is None:
            return
        tree = tree_map(catalog).get(event.hit.tree_id)
        if tree is not None:
            self.dismiss((start_at(tree, event.hit), event.query or "", self._count))

    def action_results(self) -> None:
        self.query_one(ResultList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
