"""Running a check from the walk: consent every time, output streamed, suggestion shown, nothing chosen."""

from __future__ import annotations

from pathlib import Path

from dectree.app.app import DectreeApp, build_app
from dectree.app.screens.run_check import RunConsentScreen, RunScreen
from dectree.engine.events import Answered, CheckRan, CheckStarted
from dectree.model.catalog import load_catalog
from tests.tui.conftest import Recorder, frozen_clock
from tests.tui.helpers import screen_text, walk

TREES = Path(__file__).parents[1] / "unit" / "fixtures" / "checks"


def make(recorder: Recorder, run_disabled: str | None = None, **variables: str) -> DectreeApp:
    catalog = load_catalog([str(TREES)])
    return build_app(
        catalog,
        tree="guided",
        variables=variables,
        clock=frozen_clock,
        attach=[recorder],
        run_disabled=run_disabled,
    )


async def wait_for_run(pilot: object, app: DectreeApp) -> RunScreen:
    screen = app.screen
    assert isinstance(screen, RunScreen)
    for _ in range(100):
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        if screen.result is not None:
            break
    assert screen.result is not None
    await pilot.pause()  # type: ignore[attr-defined]
    return screen


async def test_run_asks_runs_and_suggests(recorder: Recorder) -> None:
    app = make(recorder, word="hello")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r", "1")
        await pilot.pause()
        assert isinstance(app.screen, RunConsentScreen)
        assert "printf '%s\\n' hello" in screen_text(app)
        assert not any(isinstance(e, CheckStarted) for e in recorder.events)
        await pilot.press("y")
        await pilot.pause()
        screen = await wait_for_run(pilot, app)
        assert "suggests Hello: hello" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        session = walk(app).session
        [ran] = [e for e in recorder.events if isinstance(e, CheckRan)]
        assert ran.output == "hello\n" and [m.label for m in ran.suggested] == ["Hello"]
        assert session.current.answer is None  # nothing advanced by itself
        assert "◆ suggested by the output: hello" in screen_text(app)
        await pilot.press("1")
        await pilot.pause()
        assert [e.label for e in recorder.events if isinstance(e, Answered)] == ["Hello"]
        assert screen is not app.screen


async def test_refusing_consent_runs_nothing(recorder: Recorder) -> None:
    app = make(recorder, word="hello")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r", "1")
        await pilot.pause()
        await pilot.press("enter")  # the focus starts on "Don't run"
        await pilot.pause()
        assert not any(isinstance(e, (CheckStarted, CheckRan)) for e in recorder.events)
        await pilot.press("r", "1", "escape")
        await pilot.pause()
        assert not any(isinstance(e, (CheckStarted, CheckRan)) for e in recorder.events)


async def test_unfilled_copy_only_and_turned_off(recorder: Recorder) -> None:
    app = make(recorder)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r", "1")  # {word} has no value
        await pilot.pause()
        assert not isinstance(app.screen, RunConsentScreen)
        await pilot.press("r", "3")  # copy-only
        await pilot.pause()
        assert not isinstance(app.screen, RunConsentScreen)
        assert "(copy only)" in screen_text(app)
    off = make(Recorder(), run_disabled="--no-run", word="x")
    async with off.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "(run: off, --no-run)" in screen_text(off)
        await pilot.press("r")
        await pilot.pause()
        assert not isinstance(off.screen, RunConsentScreen)


async def test_cancel_stops_the_run(recorder: Recorder) -> None:
    app = make(recorder)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r", "4", "y")  # sleep 30 (timeout 1 s)
        await pilot.pause(0.2)
        await pilot.press("escape")
        screen = await wait_for_run(pilot, app)
        assert screen.result is not None and screen.result.status.value == "cancelled"
        [ran] = [e for e in recorder.events if isinstance(e, CheckRan)]
        assert ran.status == "cancelled"


async def test_large_output_shows_its_last_lines_inert(recorder: Recorder) -> None:
    from textual.widgets import Log

    app = make(recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r", "5", "y")
        screen = await wait_for_run(pilot, app)
        log = screen.query_one(Log)
        assert log.lines[-1] == "\\x1b[2JEND"  # the escape shown, not run
        assert len(log.lines) <= 5001
        await pilot.pause(0.2)
        shown = [log.render_line(y).text.strip() for y in range(log.size.height)]
        assert "\\x1b[2JEND" in shown
        [ran] = [e for e in recorder.events if isinstance(e, CheckRan)]
        assert ran.total_bytes > 1024 * 1024 and ran.cut_bytes > 0
