"""Pilot tests: entering a walk from search (confirmed entry), parking walks, and the way home."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input, OptionList

from dectree.app.app import DectreeApp, build_app
from dectree.app.screens.confirm import ConfirmScreen
from dectree.app.screens.home import HomeScreen
from dectree.app.screens.search import SearchScreen
from dectree.app.widgets.choice_list import ChoiceList
from dectree.app.widgets.results import ResultList
from dectree.engine.events import Finished, Parked, SearchPerformed, SessionOutcome, Unparked
from dectree.model.catalog import load_catalog
from tests.tui.conftest import TODAY, Recorder, frozen_clock
from tests.tui.helpers import ready, walk, widget_text

MakeApp = Callable[..., DectreeApp]
TREES = Path(__file__).resolve().parents[2] / "trees"


async def test_a_conclusion_hit_opens_the_question_that_decides_it(
    make_app: MakeApp, recorder: Recorder
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*"service was down")
        await pilot.pause()
        title = widget_text(app.screen.query_one("#list-title"))
        assert title.startswith("Enter: Service unreachable \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} Is the port open  (strong)")
        await pilot.press("enter")
        await pilot.pause()
        screen = walk(app)
        assert screen.session.current.ref == "net:listening"  # not the conclusion
        choices = widget_text(screen.query_one(ChoiceList))
        assert "1  Nothing listens  (search suggests this)" in choices
        assert "search suggests" not in choices.split("\n", 1)[1]
        notice = app._notifications
        assert any(
            "Words in title: Service was down" in n.message
            and "Search suggests answer 1: Nothing listens" in n.message
            for n in notice
        )
        search = [e for e in recorder.events if isinstance(e, SearchPerformed)]
        assert len(search) == 1
        assert (search[0].entry, search[0].hit, search[0].strength) == (
            "net:listening",
            "net:after-restart",
            "strong",
        )
        assert (search[0].suggested, search[0].suggested_label) == (0, "Nothing listens")
        await pilot.press("2")  # the engineer disagrees: "It listens"
        await pilot.pause()
        assert screen.session.current.ref == "net:packets"


async def test_a_weak_match_opens_the_tree_first_question(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*"the thing is broken somehow", "enter")
        await pilot.pause()
        session = walk(app).session
        assert session.current.ref == "net:start"
        assert session.suggestion is None
        assert "search suggests" not in widget_text(walk(app).query_one(ChoiceList))


async def test_b_at_the_entry_returns_to_the_results(make_app: MakeApp, recorder: Recorder) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*"service was down", "enter")
        await pilot.pause()
        walk(app)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        box = app.screen.query_one(Input)
        assert box.value == "service was down"
        assert app.focused is box
        assert ("net", "after-restart") in app.screen.query_one(ResultList).targets
        finished = [e for e in recorder.events if isinstance(e, Finished)]
        assert [f.outcome for f in finished] == [SessionOutcome.abandoned]
        assert app.parked == []


async def test_h_parks_the_walk_and_enter_resumes_it(make_app: MakeApp, recorder: Recorder) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")  # "Yes, it resolves" -> Is the port open
        await pilot.pause()
        session = walk(app).session
        assert session.current.ref == "net:listening"
        await pilot.press("h")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert app.parked == [session] and session.parked
        assert session.state.value == "walking"  # not abandoned
        parked = home.query_one("#parked", OptionList)
        assert parked.display
        assert "Service unreachable  at Is the port open" in widget_text(parked)
        assert "step 2" in widget_text(parked)
        assert app.focused is home.query_one(Input)
        await pilot.press("down")  # to the walks in progress
        assert app.focused is parked
        await pilot.press("enter")
        await pilot.pause()
        assert walk(app).session is session
        assert session.current.ref == "net:listening" and not session.parked
        assert app.parked == []
        kinds = [type(e) for e in recorder.events]
        assert kinds.count(Parked) == 1 and kinds.count(Unparked) == 1
        assert kinds.index(Parked) < kinds.index(Unparked)


async def test_ctrl_r_resumes_the_last_parked_walk(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = walk(app).session
        await pilot.press("h")
        await pilot.pause()
        app.screen.query_one(ResultList).focus()
        await pilot.press("enter")  # another walk, from the tree list
        await pilot.pause()
        second = walk(app).session
        assert second is not first
        await pilot.press("h")
        await pilot.pause()
        assert app.parked == [first, second]
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert walk(app).session is second
        assert app.parked == [first]


async def test_h_on_a_finished_walk_just_goes_home(make_app: MakeApp) -> None:
    app = make_app(tree="net", at="fix-dns")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")  # Fixed
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.parked == []


async def test_quitting_with_parked_walks_says_so(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        session = walk(app).session
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "1 walk is in progress (parked)" in app.screen.message
        assert "dectree resume" in app.screen.message
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_value == 0
    assert session.state.value == "walking"  # still in progress, resumable


async def test_slash_focuses_the_box_and_is_not_typed(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one(Input)
        await pilot.press("slash")  # the box has focus and is empty
        assert box.value == ""
        await pilot.press("down")
        assert app.focused is app.screen.query_one(ResultList)
        await pilot.press("slash")
        assert app.focused is box and box.value == ""
        await pilot.press(*"a/b")  # inside a query a slash is a slash
        assert box.value == "a/b"


async def test_typing_on_the_tree_list_goes_to_search(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("down")
        assert app.focused is app.screen.query_one(ResultList)
        await pilot.press(*"dns")
        box = app.screen.query_one(Input)
        assert app.focused is box and box.value == "dns"


async def test_the_box_is_cleared_and_focused_on_return(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*"connection refused", "enter")
        await pilot.pause()
        walk(app)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        box = app.screen.query_one(Input)
        assert box.value == "" and app.focused is box


async def test_search_during_a_walk_goes_on_at_the_entry_and_b_reopens_it(
    make_app: MakeApp,
) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = walk(app)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"service was down", "enter")
        await pilot.pause()
        assert screen.session.current.ref == "net:listening"
        assert screen.session.suggestion == 0
        await pilot.press("b")
        await pilot.pause()
        assert screen.session.current.ref == "net:start"
        assert isinstance(app.screen, SearchScreen)  # the results again
        assert app.screen.query_one(Input).value == "service was down"


async def test_all_five_shipped_trees_fit_80x24() -> None:
    catalog = load_catalog([str(TREES)])
    assert len(catalog.trees) == 5
    app = build_app(catalog, clock=frozen_clock, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        results = app.screen.query_one(ResultList)
        assert len(results.targets) == 5
        assert results.max_scroll_y == 0, "the tree list scrolls at 80x24"
        assert results.option_count == 5
        for index in range(5):
            assert len(results.get_option_at_index(index).prompt.split("\n")) == 2


async def test_home_is_in_the_palette_and_resume_is_offered_only_with_parked_walks(
    make_app: MakeApp,
) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Home" in titles
        await pilot.press("h")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "Resume walk" in [c.title for c in app.get_system_commands(home)]
        await pilot.press("ctrl+r")
        await pilot.pause()
        walk(app)
        app.go_home()
        await pilot.pause()
        assert "Resume walk" not in [c.title for c in app.get_system_commands(app.screen)]


async def test_a_walk_parked_in_a_journal_is_taken_up_when_reopened(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        session = app.new_session()
        session.start("net")
        session.park()  # as `dectree resume` replays a walk parked before quitting
        app.open_walk(session)
        await pilot.pause()
        assert walk(app).session is session and not session.parked


async def test_the_tree_enter_goes_to_is_listed_first(make_app: MakeApp) -> None:
    from dectree.engine.search import Hit

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        results = app.screen.query_one(ResultList)
        hits = [
            Hit("net", "listening", "Is the port open", 9.0, "title", "weak", "x", "question"),
            Hit("db", "start", "Too many clients", 8.0, "title", "weak", "y", "question"),
            Hit("db", "pool", "Connection pool exhausted", 7.0, "title", "weak", "z", "conclusion"),
        ]
        assert app.catalog is not None
        trees = {t.id: t for t in (loaded.tree for loaded in app.catalog.trees.values())}
        results.show_hits(hits, trees, "q", first_tree="db")
        assert results.targets == [None, ("db", "start"), ("db", "pool"), None, ("net", "listening")]
        results.show_hits(hits, trees, "q")
        assert results.targets[:2] == [None, ("net", "listening")]


async def test_a_pasted_stack_trace_is_searched_whole(make_app: MakeApp) -> None:
    """Input keeps a paste's first line; the error of a trace is on its last."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        box = app.screen.query_one(Input)
        trace = (
            "Traceback (most recent call last):\n"
            '  File "/srv/app/db.py", line 12, in connect\n'
            "    conn = pool.getconn()\n"
            "\x1b[31mpsycopg2.OperationalError: FATAL:  sorry, too many clients already\x1b[0m\n"
        )
        box.post_message(events.Paste(trace))
        await pilot.pause()
        assert box.value.startswith("Traceback (most recent call last): File ")
        assert box.value.endswith("FATAL: sorry, too many clients already")
        assert "\x1b" not in box.value and "[31m" not in box.value
        await pilot.press("enter")
        await pilot.pause()
        assert walk(app).session.current.tree_id == "db"


async def test_a_second_enter_does_not_answer_the_step_search_opened(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*"service was down", "enter")
        await pilot.pause()
        screen = walk(app)
        entry = screen.session.current.ref
        await pilot.press("enter")  # again: it seemed not to take
        await pilot.pause()
        assert screen.session.current.ref == entry
        assert not screen.session.current.answered
        assert "a digit, or ↓ then Enter" in (screen.query_one(ChoiceList).border_title or "")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert screen.session.current.ref != entry  # an arrow then Enter answers
        assert screen.query_one(ChoiceList).highlighted == 0  # later steps: as always


async def test_the_from_search_notice_goes_with_the_step_it_explains(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*"service was down", "enter")
        await pilot.pause()
        assert any("From search" in (n.title or "") for n in app._notifications)
        await pilot.press("2")
        await pilot.pause()
        assert not any("From search" in (n.title or "") for n in app._notifications)
