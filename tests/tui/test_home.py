"""Pilot tests: the home screen, search, and starting a walk from it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input

from dectree.app.app import DectreeApp, build_app
from dectree.app.screens.home import HomeScreen
from dectree.app.widgets.results import ResultList
from dectree.engine.events import SessionStarted
from dectree.model.catalog import Catalog
from dectree.model.listing import summarize
from tests.tui.conftest import TODAY, Recorder, frozen_clock
from tests.tui.helpers import ready, walk, widget_text

MakeApp = Callable[..., DectreeApp]


async def test_home_lists_the_trees(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = widget_text(app.screen.query_one(ResultList))
        assert "Service unreachable\n7 steps · Find why a service does not answer" in text
        assert "Database connections   review overdue \n2 steps · " in text
        assert "Service unreachable   review overdue" not in text  # no badge when not due


async def test_search_lists_matching_steps_across_trees(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*"sorry, too many clients already")
        await pilot.pause()
        results = app.screen.query_one(ResultList)
        assert results.targets[0] is None  # the heading of the first tree's group
        assert results.targets[1] == ("db", "start")
        text = widget_text(results)
        assert text.startswith("Database connections  2 steps\nToo many clients  exact · question")
        assert "FATAL: sorry, too many clients already" in text


async def test_enter_starts_the_walk_at_the_best_hit(make_app: MakeApp, recorder: Recorder) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.screen.query_one(Input).value = "psql: FATAL:  sorry, too many clients already"
        await pilot.press("enter")
        await pilot.pause()
        session = walk(app).session
        assert session.current.ref == "db:start"
        started = recorder.events[0]
        assert isinstance(started, SessionStarted)
        assert started.from_search
        assert started.query == "psql: FATAL:  sorry, too many clients already"


async def test_down_then_enter_starts_at_another_hit(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*"restart", "down")
        results = app.screen.query_one(ResultList)
        assert app.focused is results
        hits = [target for target in results.targets if target is not None]
        assert hits[:3] == [("net", "restart"), ("net", "to-l2"), ("net", "after-restart")]
        await pilot.press("down", "down", "enter")  # the conclusion "Service was down"
        await pilot.pause()
        session = walk(app).session
        # never a conclusion cold: the question whose answer leads there
        assert session.current.ref == "net:listening"
        assert session.suggestion == 0  # "Nothing listens" (through the restart action)


async def test_enter_on_a_tree_starts_at_its_start(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down")  # to the list: trees sorted by title
        targets = app.screen.query_one(ResultList).targets
        await pilot.press("enter")
        await pilot.pause()
        assert walk(app).session.current.tree_id == targets[0][0]
        assert walk(app).session.current.node_id == "start"


async def test_no_match_says_so(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*"zzzz qqqq")
        await pilot.pause()
        assert "No matching steps" in widget_text(app.screen.query_one("#list-title"))
        await pilot.press("enter")  # nothing to start
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_escape_clears_the_search(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"dns", "escape")
        await pilot.pause()
        assert app.screen.query_one(Input).value == ""
        assert app.screen.query_one(ResultList).targets[0][1] is None  # trees again


async def test_trees_load_in_a_worker(catalog: Catalog) -> None:
    calls: list[int] = []

    def load() -> Catalog:
        calls.append(1)
        return catalog

    app = build_app(load, clock=frozen_clock, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls == [1]
        assert app.catalog is catalog
        assert len(app.screen.query_one(ResultList).targets) == 3


async def test_walk_opened_directly_goes_home_to_the_trees(make_app: MakeApp) -> None:
    """The walk is the first screen (home is made when first needed, not composed under
    it before the walk's first frame); home, the walk parked, lists it and the trees."""
    app = make_app(tree="net", incident="INC-7")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "INC-7" in widget_text(app.screen.query_one("#header-meta"))
        assert not any(isinstance(s, HomeScreen) for s in app.screen_stack)
        await pilot.press("h")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert widget_text(home.query_one("#list-title")) == "Trees (3)"
        assert "Service unreachable" in widget_text(home.query_one("#parked"))
        await pilot.press("ctrl+r")  # resume the parked walk, then home again: the same home
        await pilot.pause()
        walk(app)
        await pilot.press("h")
        await pilot.pause()
        assert app.screen is home
        assert sum(isinstance(s, HomeScreen) for s in app.screen_stack) == 1


async def test_search_typed_before_the_index_is_ready_runs_when_it_is(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()  # the index starts after the first paint
        app.index = None  # as if it had not been built yet
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.query_one(Input).value = "too many clients"
        await pilot.pause()
        assert "Indexing" in widget_text(home.query_one("#list-title"))
        await app.workers.wait_for_complete()
        app._build_index(app.catalog)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert home.query_one(ResultList).targets[1] == ("db", "start")


async def test_unknown_tree_is_a_notice_not_a_crash(make_app: MakeApp) -> None:
    app = make_app(tree="nope")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("no tree" in n.message for n in app._notifications)


def _held_loader(catalog: Catalog) -> tuple[Callable[[], Catalog], threading.Event]:
    """A loader that returns `catalog` once released (the trees still loading meanwhile)."""
    release = threading.Event()

    def load() -> Catalog:
        release.wait(10)
        return catalog

    return load, release


async def _until_loaded(pilot: Pilot[int], app: DectreeApp) -> None:
    for _ in range(200):
        if app.catalog is not None:
            break
        await pilot.pause(0.05)
    await ready(pilot)


async def test_trees_known_from_the_last_load_are_listed_before_the_catalog(
    catalog: Catalog,
) -> None:
    load, release = _held_loader(catalog)
    listing = [summarize(t.tree) for t in catalog.trees.values()]
    app = build_app(load, clock=frozen_clock, today=TODAY, listing=listing)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.catalog is None
        home = app.screen
        before = widget_text(home.query_one(ResultList))
        assert "Service unreachable\n7 steps · Find why a service does not answer" in before
        assert "Database connections   review overdue \n2 steps · " in before
        assert widget_text(home.query_one("#list-title")) == "Trees (3)"
        release.set()
        await _until_loaded(pilot, app)
        assert widget_text(home.query_one(ResultList)) == before  # the catalog's own list


async def test_a_tree_chosen_before_the_catalog_opens_once_it_is_loaded(
    catalog: Catalog,
) -> None:
    load, release = _held_loader(catalog)
    listing = [summarize(t.tree) for t in catalog.trees.values()]
    app = build_app(load, clock=frozen_clock, today=TODAY, listing=listing)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        results = app.screen.query_one(ResultList)
        first = results.targets[0]
        assert first is not None
        await pilot.press("enter", "enter")  # to the list, then the first tree
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.catalog is None
        assert not app._notifications  # no "still loading" error: it waits
        release.set()
        await _until_loaded(pilot, app)
        assert walk(app).session.current.ref == f"{first[0]}:{catalog.trees[first[0]].tree.start}"
