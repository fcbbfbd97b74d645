"""What screens need from the app, as a protocol, so screens never import `dectree.app.app`.

`DectreeApp` satisfies it; a screen reaches it with `host(self.app)`. The app
module imports the screens it opens; with this protocol between them there is
no import cycle between the app and its screens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from textual.app import App

    from dectree.engine.search import SearchIndex, Start
    from dectree.engine.session import Session
    from dectree.model.catalog import Catalog
    from dectree.model.listing import TreeSummary


class AppHost(Protocol):
    """The app as its screens use it."""

    catalog: Catalog | None
    listing: Sequence[TreeSummary] | None
    """The trees as the home screen lists them before the catalog is loaded, if known."""
    index: SearchIndex | None
    cursor_blink: bool
    parked: list[Session]
    run_disabled: str | None
    """Why running checks is turned off (`--no-run`, the user config), or None."""

    def start_walk(
        self, tree_id: str, node_id: str | None = None, *, query: str | None = None
    ) -> Session | None: ...

    def start_from_search(self, query: str, start: Start, hits: int) -> Session | None: ...

    def go_home(self) -> None: ...

    def park_walk(self, session: Session) -> None: ...

    def resume_parked(self, session: Session) -> None: ...

    def back_to_results(self, query: str) -> None: ...

    @property
    def today_date(self) -> dt.date: ...

    def action_export(self, target: str | None = None) -> None: ...

    def export_path(self, session: Session) -> str | None: ...

    def set_incident(self, incident: str) -> None: ...

    def parked_notice(self) -> str: ...

    def recording_state(self, session: Session) -> str | None: ...


def host(app: App[object]) -> AppHost:
    """The running app as `AppHost` (it is always a `DectreeApp`)."""
    return cast("AppHost", app)
