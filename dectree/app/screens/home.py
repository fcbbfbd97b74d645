"""The home screen: walks in progress, the trees, and a search box for errors and descriptions.

Typing searches every node of every tree (`dectree.engine.search`); the hits
worth looking at show grouped by tree, each with its strength. Enter starts
where `entry` says (never a conclusion cold: the question that decides it,
with the answer search suggests), or at the highlighted hit after moving down
the list. Typing on a list goes to the search box. Walks parked with `h` are
listed first and resume with Enter. The trees are loaded by the app in a
worker, so this screen paints at once and fills in when they arrive.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static

from dectree.app.host import AppHost, host
from dectree.app.safe import one_line, plain
from dectree.app.widgets.query_input import QueryInput
from dectree.app.widgets.results import ResultList
from dectree.model.listing import TreeSummary, summarize

if TYPE_CHECKING:
    from dectree.engine.search import Start
    from dectree.engine.session import Session
    from dectree.model.catalog import Catalog

SEARCH_LIMIT = 50
SHOWN_LIMIT = 12


class SearchBox(QueryInput):
    """The search field: Down moves to the results, Esc clears; `/` in an empty box is the search key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "results", "Results", show=False),
        Binding("escape", "clear_or_leave", "Clear", show=False),
    ]

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "slash" and not self.value:
            event.prevent_default()  # `/` is how one gets here, not part of the query
            event.stop()
            return
        await super()._on_key(event)

    def action_results(self) -> None:
        parked = self.screen.query_one("#parked", OptionList)
        (parked if parked.display else self.screen.query_one(ResultList)).focus()

    def action_clear_or_leave(self) -> None:
        if self.value:
            self.value = ""
        else:
            self.screen.query_one(ResultList).focus()


def parked_prompt(session: Session) -> Content:
    """Tree and the step the walk stands at; when it started and how far it got."""
    step = session.current
    node = session.node
    title = node.title or session.current.prompt
    tree = session.trees[step.tree_id].title.split(":", 1)[0]
    return Content.assemble(
        plain(one_line(tree, 40), "bold"),
        ("  at ", "$text-muted"),
        plain(one_line(title, 60)),
        "\n",
        (
            f"started {session.path[0].entered_at:%H:%M} UTC · step {len(session.path)}",
            "$text-muted",
        ),
    )


class HomeScreen(Screen[None]):
    """Pick a tree, take up a parked walk, or search for a symptom."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("ctrl+r", "resume_parked", "Resume walk", key_display="^r"),
        Binding("f1", "app.help", "Help"),
        # `?` types into the search box here: F1 is this screen's help key, shown once.
        Binding("question_mark", "app.help", "Help", show=False, key_display="?"),
        Binding("ctrl+q", "app.request_quit", "Quit"),
    ]

    composed = False
    """Whether the widgets exist (the catalog may arrive before they do)."""

    def __init__(self) -> None:
        super().__init__()
        self._start: Start | None = None
        self._hit_count = 0
        self._restore: str | None = None

    @property
    def dectree(self) -> AppHost:
        return host(self.app)

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(("dectree", "bold $text-accent"), "  troubleshooting decision trees"),
            id="home-title",
        )
        yield SearchBox(
            placeholder="Paste an error message or describe the symptom",
            id="search",
            select_on_focus=False,  # typing on a list continues the query, never replaces it
        )
        yield Static(id="parked-title")
        yield OptionList(id="parked")
        yield Static(id="list-title")
        yield ResultList(id="results")
        yield Static(id="home-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.composed = True
        box = self.query_one(SearchBox)
        box.cursor_blink = self.dectree.cursor_blink
        box.focus()
        self.show_parked()
        if self.dectree.catalog is not None:
            self.show_catalog(self.dectree.catalog)
        elif self.dectree.listing is not None:
            # Known from the last load (`dectree.model.listing`): shown in the first
            # frame; the catalog replaces it with the same list once it is loaded.
            self._list_trees(self.dectree.listing)
        else:
            self._title("Loading trees…")

    def on_screen_resume(self) -> None:
        """Back from a walk: a clean box (or the query to return to), focused."""
        if not self.composed:
            return
        box = self.query_one(SearchBox)
        box.value = self._restore or ""
        self._restore = None
        box.cursor_position = len(box.value)
        box.focus()
        self.show_parked()
        self.update_results(box.value)

    def return_to_results(self, query: str) -> None:
        """Show the results for `query` again when this screen is next shown."""
        self._restore = query

    def _title(self, text: str) -> None:
        self.query_one("#list-title", Static).update(Content.styled(text, "bold $text-primary"))

    # -- walks in progress ---------------------------------------------------

    def show_parked(self) -> None:
        """List the parked walks (hidden when there are none or a search is typed)."""
        parked = list(reversed(self.dectree.parked))
        listing = self.query_one("#parked", OptionList)
        title = self.query_one("#parked-title", Static)
        self.refresh_bindings()
        visible = bool(parked) and not self.query_one(SearchBox).value.strip()
        listing.display = title.display = visible
        if not parked:
            listing.clear_options()
            return
        title.update(
            Content.assemble(
                (f"Walks in progress ({len(parked)})", "bold $text-primary"),
                ("  ctrl+r resumes the last; \N{DOWNWARDS ARROW} and Enter, any", "$text-muted"),
            )
        )
        listing.set_options(parked_prompt(s) for s in parked)
        listing.highlighted = 0

    @on(OptionList.OptionSelected, "#parked")
    def _parked_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        parked = list(reversed(self.dectree.parked))
        if 0 <= event.option_index < len(parked):
            self.dectree.resume_parked(parked[event.option_index])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume_parked":
            return bool(self.dectree.parked)
        return True

    def action_resume_parked(self) -> None:
        parked = self.dectree.parked
        if not parked:
            self.notify("No walk in progress: pick a tree or search.")
            return
        self.dectree.resume_parked(parked[-1])

    # -- trees and search ------------------------------------------------------

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
        """Trees when the query is empty, else the hits worth looking at, grouped by tree."""
        app = self.dectree
        results = self.query_one(ResultList)
        self._start, self._hit_count = None, 0
        if app.catalog is None:
            if app.listing is not None and not query.strip():
                self._list_trees(app.listing)
            return
        # Not `engine.session.tree_map`: listing the trees must not wait for the
        # engine's modules (the walk's events, search) to be imported.
        trees = {tree_id: loaded.tree for tree_id, loaded in app.catalog.trees.items()}
        text = query.strip()
        if text and app.index is None:
            results.show_hits([], trees, text)
            self._title("Indexing the trees for search…")
            return
        if not text or app.index is None:
            self._list_trees([summarize(tree) for tree in trees.values()])
            return
        from dectree.engine.search import entry, worth_showing

        hits = app.index.search(text, limit=SEARCH_LIMIT)
        self._start, self._hit_count = entry(trees, hits), len(hits)
        shown = worth_showing(hits, SHOWN_LIMIT)
        results.show_hits(shown, trees, text, self._start.tree_id if self._start else None)
        if not shown:
            self._title("No matching steps: try part of the error message, or fewer words")
        elif self._start is None:
            self._title(f"No clear match ({len(shown)} steps): ↓ to choose one")
        else:
            tree = trees[self._start.tree_id]
            node = tree.nodes[self._start.node_id]
            # "Enter: " + tree + separator + step + "  (strength)" on one line
            room = max(30, self.size.width - 4 - 7 - 3 - 4 - len(self._start.strength))
            tree_name = one_line(tree.title.split(":", 1)[0])
            where = one_line(node.title or self._start.node_id)
            if len(tree_name) + len(where) > room:  # the tree's name gives way first
                tree_name = one_line(tree_name, max(12, room - len(where)))
                where = one_line(where, max(18, room - len(tree_name)))
            self.query_one("#list-title", Static).update(
                Content.assemble(
                    ("Enter: ", "bold $text-primary"),
                    plain(tree_name, "$text-secondary"),
                    (" \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} ", "$text-muted"),
                    plain(where, "bold"),
                    (f"  ({self._start.strength})", "$text-muted"),
                )
            )

    def _list_trees(self, trees: Sequence[TreeSummary]) -> None:
        self.query_one(ResultList).show_trees(trees, self.dectree.today_date)
        if trees:
            self._title(f"Trees ({len(trees)})")
        else:
            self._title("No trees found: put tree files in ./trees or pass their paths")

    def index_ready(self) -> None:
        """The search index exists now: run the search typed so far, if any."""
        if self.query_one(SearchBox).value.strip():
            self.update_results(self.query_one(SearchBox).value)

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        self.show_parked()
        self.update_results(event.value)

    @on(Input.Submitted, "#search")
    def _query_submitted(self, event: Input.Submitted) -> None:
        results = self.query_one(ResultList)
        query = event.value.strip()
        if not query:
            parked = self.query_one("#parked", OptionList)
            (parked if parked.display else results).focus()
            return
        if self._start is not None:
            self.dectree.start_from_search(event.value, self._start, self._hit_count)
            return
        if results.targets:
            results.focus()
            self.notify("No step matches clearly: choose one below, or a tree (Esc twice).")

    @on(ResultList.StartRequested)
    def _start_requested(self, event: ResultList.StartRequested) -> None:
        from dectree.engine.search import start_at
        from dectree.engine.session import tree_map

        catalog = self.dectree.catalog
        if event.hit is None or catalog is None:
            self.dectree.start_walk(event.tree_id, event.node_id)
            return
        tree = tree_map(catalog).get(event.tree_id)
        if tree is None:
            return
        start = start_at(tree, event.hit)
        self.dectree.start_from_search(event.query or "", start, self._hit_count)

    def on_key(self, event: events.Key) -> None:
        """Typing on a list goes to the search box."""
        box = self.query_one(SearchBox)
        if self.focused is box or not event.is_printable or event.character is None:
            return
        if event.key == "slash":
            return  # the search binding
        event.stop()
        event.prevent_default()
        box.focus()
        box.insert_text_at_cursor(event.character)

    def action_search(self) -> None:
        self.query_one(SearchBox).focus()
