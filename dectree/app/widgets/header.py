"""The walk screen's header: tree title, incident id and time elapsed.

Time comes from the app's clock, so tests freeze it; nothing here reads the
host name, the version or the wall clock directly.
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

    def compose(self) -> ComposeResult:
        yield Static(id="header-title")
        yield Static(id="header-meta")

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1.0, self._tick)

    def show_tree(self, title: str) -> None:
        """Show the title of the tree the walk is in now."""
        self.query_one("#header-title", Static).update(plain(one_line(title), "bold"))

    def elapsed(self) -> dt.timedelta:
        """Time since the walk started, by the app's clock."""
        now = self._clock()
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.timezone.utc)
        return now - self._started

    def _tick(self) -> None:
        incident = (
            plain(one_line(self._incident, 30), "bold")
            if self._incident
            else Content.styled("no incident id", "$text-muted")
        )
        meta = Content.assemble(incident, "  ", (format_elapsed(self.elapsed()), "bold"))
        self.query_one("#header-meta", Static).update(meta)
