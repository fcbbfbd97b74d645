"""Pilot tests: quit confirmation, help, command palette, export, search from a walk."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding

from dectree.app.app import DectreeApp
from dectree.app.screens.confirm import QuitWalkScreen
from dectree.app.screens.help import HelpScreen
from dectree.app.screens.search import SearchScreen
from dectree.app.screens.walk import WalkScreen
from dectree.engine.events import SessionOutcome
from tests.tui.conftest import Recorder
from tests.tui.helpers import ready, screen_text, walk

MakeApp = Callable[..., DectreeApp]


async def test_quit_asks_before_abandoning_a_walk(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        session = walk(app).session
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuitWalkScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, WalkScreen)
        assert session.outcome is None
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
    assert session.outcome is SessionOutcome.abandoned
    assert app.return_code == 0


async def test_quit_keeps_the_walk_for_later_by_default(make_app: MakeApp) -> None:
    """`q` at 3 a.m. means "not now": y (or k) keeps the walk in progress, parked, so
    `dectree resume --last` takes it up where it stood."""
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        session = walk(app).session
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert "Keep this walk for later" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
    assert session.outcome is None and session.parked
    assert app.return_code == 0


async def test_ctrl_q_also_asks(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitWalkScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WalkScreen)


async def test_quit_after_the_walk_ended_does_not_ask(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        session = walk(app).session
        await pilot.press("2", "1")  # workaround: finished
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert session.outcome is SessionOutcome.workaround
    assert app.return_code == 0


async def test_quit_from_home_does_not_ask(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_help_lists_every_key_of_the_walk(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        lines = set(text.splitlines())
        for key in ("1-9", "b backspace", "n", "v", "o", "/", "c", "p", "e", "? f1", "q", "ctrl+p"):
            assert key in lines, key
        for word in ("export", "markdown", "outline", "variables", "note", "quit"):
            assert word in text.lower(), word
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WalkScreen)


def _palette_titles(app: DectreeApp) -> set[str]:
    return {command.title for command in app.get_system_commands(app.screen)}


async def test_every_walk_key_is_in_the_command_palette(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = _palette_titles(app)
        wanted = {
            b.description
            for b in WalkScreen.BINDINGS
            if isinstance(b, Binding) and b.description and not b.action.startswith("number(")
        }
        wanted |= {"Choose", "Help", "Theme"}
        assert wanted <= titles, wanted - titles


async def test_palette_command_runs_the_action(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        back = next(c for c in app.get_system_commands(app.screen) if c.title == "Back")
        await back.callback()
        await pilot.pause()
        assert walk(app).session.current.node_id == "start"


async def test_export_without_a_journal_copies_markdown(make_app: MakeApp) -> None:
    # Changed by the records task: `e` exports (files only when a journal records the walk).
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert [n.message for n in app._notifications] == [
            "Copied the walk as Markdown to the clipboard (no file: not recording)"
        ]
        assert app.clipboard.startswith("# Troubleshooting record:")


async def test_search_from_a_walk_goes_on_at_the_hit(make_app: MakeApp, recorder: Recorder) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        session = walk(app).session
        await pilot.press("1")
        await pilot.pause()
        before = session.current.ref
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"too many", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WalkScreen)
        assert walk(app).session is session
        assert session.outcome is None
        assert session.current.ref == "db:start"
        assert session.path[-2].answer == "Searched: too many"
        assert "Searched: too many" in screen_text(app)
        assert len(recorder.sessions) == 1
        await pilot.press("b")
        await pilot.pause()
        assert session.current.ref == before


async def test_theme_switch_keeps_working(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert walk(app).session.current.node_id == "listening"
