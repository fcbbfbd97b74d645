"""Small helpers for reading the app's state in Pilot tests."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Markdown, OptionList, Static

from dectree.app.screens.walk import WalkScreen


async def ready(pilot: Pilot[object]) -> None:
    """Wait for the app's workers (trees, search index) and for the screen to settle."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def walk(app: App[object]) -> WalkScreen:
    """The walk screen on top, or a failed assertion saying what is on top."""
    screen = app.screen
    assert isinstance(screen, WalkScreen), f"expected the walk screen, got {type(screen).__name__}"
    return screen


def widget_text(widget: Widget) -> str:
    """The plain text a widget shows (Statics, option lists, Markdown)."""
    if isinstance(widget, Static):
        return str(widget.render())
    if isinstance(widget, OptionList):
        return "\n".join(str(o.prompt) for o in widget.options)
    if isinstance(widget, Markdown):
        return "\n".join(widget_text(w) for w in widget.query(Static))
    return ""


def screen_text(app: App[object]) -> str:
    """Everything the top screen shows as text, widget by widget."""
    parts = [widget_text(w) for w in app.screen.query("*")]
    return "\n".join(p for p in parts if p)
