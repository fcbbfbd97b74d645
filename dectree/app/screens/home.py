"""The home screen: the trees, and a search box for pasted error messages.

Typing searches every node of every tree (`dectree.engine.search`); Enter starts the
walk at the best hit, or at the highlighted one after moving down the list.
The trees are loaded by the app in a worker, so this screen paints at once and
fills in when they arrive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from dectree.app.host import AppHost, host
from dectree.app.widgets.results import ResultList

if TYPE_CHECKING:
    from dectree.model.catalog import Catalog

SEARCH_LIMIT = 50


class SearchBox(Input):
    """The search field: Down moves to the results, Esc clears."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "results", "Results", show=False),
        Binding("escape", "clear_or_leave", "Clear", show=False),
    ]

    def action_results(self) -> None:
        self.screen.query_one(ResultList).focus()

    def action_clear_or_leave(self) -> None:
        if self.value:
            self.value = ""
        else:
            self.screen.query_one(ResultList).focus()


class HomeScreen(Screen[None]):
    """Pick a tree or search for a symptom."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("f1", "app.help", "Help"),
        # `?` types into the search box here: F1 is this screen's help key, shown once.
        Binding("question_mark", "app.help", "Help", show=False, key_display="?"),
        Binding("q", "app.request_quit", "Quit", show=False),
        Binding("ctrl+q", "app.request_quit", "Quit"),
    ]

    composed = False
    """Whether the widgets exist (the catalog may arrive before they do)."""

    @property
    def dectree(self) -> AppHost:
        return host(self.app)

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(("dectree", "bold $text-accent"), "  troubleshooting decision trees"),
            id="home-title",
        )
        yield SearchBox(placeholder="Paste an error message or describe the symptom", id="search")
        yield Static(id="list-title")
        yield ResultList(id="results")
        yield Static(id="home-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.composed = True
        box = self.query_one(SearchBox)
        box.cursor_blink = self.dectree.cursor_blink
        box.focus()
        if self.dectree.catalog is None:
            self._title("Loading trees…")
        else:
            self.show_catalog(self.dectree.catalog)

    def _title(self, text: str) -> None:
        self.query_one("#list-title", Static).update(Content.styled(text, "bold $text-primary"))

    def show_catalog(self, catalog: Catalog) -> None:
        """Show the trees (or the search results, if a search is typed already)."""
        status = self.query_one("#home-status", Static)
        if catalog.problems:
            files = len({p.path for p in catalog.problems})
            status.update(
                Content.styled(
                    f"{files} tree file(s) could not be loaded: run 'dectree validate' for details.",
                    "$text-warning",
                )
            )
        else:
            status.display = False
        self.update_results(self.query_one(SearchBox).value)

    def update_results(self, query: str) -> None:
        """Trees when the query is empty, else the best hits across all trees."""
        from dectree.engine.session import tree_map

        app = self.dectree
        results = self.query_one(ResultList)
        if app.catalog is None:
            return
        trees = tree_map(app.catalog)
        text = query.strip()
        if text and app.index is None:
            results.show_hits([], trees, text)
            self._title("Indexing the trees for search…")
            return
        if not text or app.index is None:
            results.show_trees(trees, app.today_date)
            if trees:
                self._title(f"Trees ({len(trees)})")
            else:
                self._title("No trees found: put tree files in ./trees or pass their paths")
            return
        hits = app.index.search(text, limit=SEARCH_LIMIT)
        results.show_hits(hits, trees, text)
        if hits:
            self._title(f"Matching steps ({len(hits)}): Enter starts there")
        else:
            self._title("No matching steps: try part of the error message, or fewer words")

    def index_ready(self) -> None:
        """The search index exists now: run the search typed so far, if any."""
        if self.query_one(SearchBox).value.strip():
            self.update_results(self.query_one(SearchBox).value)

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        self.update_results(event.value)

    @on(Input.Submitted, "#search")
    def _query_submitted(self, event: Input.Submitted) -> None:
        results = self.query_one(ResultList)
        if event.value.strip():
            results.request_start()
        else:
            results.focus()

    @on(ResultList.StartRequested)
    def _start(self, event: ResultList.StartRequested) -> None:
        self.dectree.start_walk(event.tree_id, event.node_id, query=event.query)

    def action_search(self) -> None:
        self.query_one(SearchBox).focus()
