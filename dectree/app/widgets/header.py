"""The walk screen's header: tree title, whether the walk is recorded, incident id, time elapsed.

Time comes from the app's clock, so tests freeze it; nothing here reads the
host name, the version or the wall clock directly. Once the walk has ended
(`stop`), the time shown is the walk's length and no longer moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from dectree.app.safe import one_line, plain


def format_elapsed(delta: dt.timedelta) -> str:
    """`MM:SS`, or `H:MM:SS` from an hour on."""
    seconds = max(int(delta.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes:02}:{secs:02}"


class WalkHeader(Horizontal):
    """One line: the tree's title on the left, incident and elapsed time on the right."""

    def __init__(
        self, started: dt.datetime, clock: Callable[[], dt.datetime], incident: str | None
    ) -> None:
        super().__init__(id="walk-header")
        self._started = started
        self._clock = clock
        self._incident = incident
        self._ended: dt.datetime | None = None
        self._recording: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="header-title")
        yield Static(id="header-meta")

    def on_mount(self) -> None:
        self._tick()  # every second; a stopped clock shows the same time
        self.set_interval(1.0, self._tick)

    def show_tree(self, title: str) -> None:
        """Show the title of the tree the walk is in now."""
        self.query_one("#header-title", Static).update(plain(one_line(title), "bold"))

    def set_incident(self, incident: str | None) -> None:
        """Show another incident id."""
        if incident != self._incident:
            self._incident = incident
            self._tick()

    def stop(self, ended: dt.datetime | None) -> None:
        """Freeze the time at `ended` (the walk is over); None lets it run again."""
        if ended != self._ended:
            self._ended = ended
            self._tick()

    def show_recording(self, problem: str | None) -> None:
        """Say, until it is None again, that the walk is not (all) on disk."""
        if problem != self._recording:
            self._recording = problem
            self._tick()

    def elapsed(self) -> dt.timedelta:
        """Time since the walk started by the app's clock, or its length once it ended."""
        now = self._ended or self._clock()
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.timezone.utc)
        return now - self._started

    def _tick(self) -> None:
        incident = (
            plain(one_line(self._incident, 30), "bold")
            if self._incident
            else Content.styled("no incident id", "$text-muted")
        )
        time = format_elapsed(self.elapsed())
        clock: tuple[str, str] = (f"ended {time}", "$text-muted") if self._ended else (time, "bold")
        meta = Content.assemble(incident, "  ", clock)
        if self._recording:
            meta = Content.assemble(plain(self._recording, "bold $text-error"), "  ", meta)
        for shown in self.query("#header-meta").results(Static):  # none before compose
            shown.update(meta)
