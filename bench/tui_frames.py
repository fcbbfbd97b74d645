"""Key-press-to-frame latency inside one process: Pilot drives, the frames are watched.

`FrameWatch` wraps an app's `_display`, the one place Textual hands a
finished screen update to the terminal driver. Headless (Pilot) apps skip
turning the update into terminal text; the watch does that work itself (what a
real terminal's app would do) and looks for markers in the text. A step's
latency is the time from just before `pilot.press` to the end of the first
frame by which every marker of the next node has been written.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Sequence
from typing import Any, Union

from textual._compositor import CompositorUpdate
from textual.app import App

Marker = Union[str, "re.Pattern[str]", Callable[[str], bool]]
"""A text, a pattern searched for, or a test of the frame's text (which may look at the app)."""

CURSOR_TO = re.compile(r"\x1b\[\d+;\d+H")  # a jump to another line: a line break in the text
ANSI = re.compile(r"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


class FrameWatch:
    """Times frames of one app and waits for markers to reach the screen."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.frames = 0
        self._pending: list[Marker] = []
        self._done = asyncio.Event()
        self._at = 0.0
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._batch_count:
                return
            if isinstance(renderable, CompositorUpdate):
                text = renderable.render_segments(app.console)
            else:
                text = str(renderable)
            now = time.perf_counter()
            self.frames += 1
            if self._pending:
                plain = ANSI.sub("", CURSOR_TO.sub("\n", text))
                self._pending = [m for m in self._pending if not _found(m, plain)]
                if not self._pending:
                    self._at = now
                    self._done.set()

        app._display = display  # type: ignore[method-assign]

    def expect(self, markers: Sequence[Marker]) -> None:
        """Start waiting for frames that show every one of `markers` (texts or line patterns)."""
        self._pending = list(markers)
        self._done = asyncio.Event()

    async def shown(self, timeout: float = 15.0) -> float:
        """perf_counter time of the frame that completed the markers."""
        await asyncio.wait_for(self._done.wait(), timeout)
        return self._at


def _found(marker: Marker, text: str) -> bool:
    if isinstance(marker, str):
        return marker in text
    if isinstance(marker, re.Pattern):
        return marker.search(text) is not None
    return marker(text)


async def timed_press(pilot: Any, watch: FrameWatch, key: str, markers: Sequence[Marker]) -> float:
    """Seconds from pressing `key` to the frame that shows all `markers`; then settle."""
    watch.expect(markers)
    started = time.perf_counter()
    await pilot.press(key)
    at = await watch.shown()
    await pilot.pause()
    return at - started
