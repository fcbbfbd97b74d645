"""The app and `build_app`, the one place an app is made (by the CLI and by the tests).

The app owns the catalog (loaded in a worker so the home screen paints at once),
the search index, and the way a walk begins: `new_session` makes every
`Session`, so attaching a listener to every walk (the journal, later) is one
argument to `build_app`.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

if TYPE_CHECKING:
    # The engine (pydantic models above all) is imported when first used, so
    # the home screen paints before it is loaded.
    from textual.notifications import SeverityLevel

    from dectree.engine.search import SearchIndex
    from dectree.engine.search import Start as SearchStart
    from dectree.engine.session import Session
    from dectree.model.catalog import Catalog
    from dectree.model.listing import TreeSummary
    from dectree.records.writer import SessionJournal

Clock = Callable[[], dt.datetime]
Attach = Callable[["Session"], object]
# Hooks, or a function that makes them when the first walk needs them (so the
# journal's modules are not imported before the first frame).
Hooks = Sequence[Attach] | Callable[[], Sequence[Attach]]
_INDEX_WAIT = 5.0  # seconds the index waits for the first paint at most


@dataclass(frozen=True)
class Start:
    """Where a walk opened from the command line begins."""

    tree_id: str
    node_id: str | None = None
    resume: Session | None = None  # a replayed session to show instead of a new one
    notice: str | None = None  # shown once the walk is open (what changed since)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def lenient_terminal_input() -> None:
    """Bytes from the terminal that are not UTF-8 (0xff typed in a Latin-1 terminal) become
    U+FFFD instead of killing the input thread: Textual's Linux driver decodes strictly.

    Idempotent; textual is pinned, and a test checks the driver still reads this way."""
    import codecs
    import functools

    try:
        from textual.drivers import linux_driver
    except ImportError:  # pragma: no cover - Windows
        return
    if getattr(getattr(linux_driver, "getincrementaldecoder", None), "dectree_lenient", False):
        return

    def getincrementaldecoder(encoding: str) -> Callable[[], codecs.IncrementalDecoder]:
        return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")

    getincrementaldecoder.dectree_lenient = True  # type: ignore[attr-defined]
    linux_driver.getincrementaldecoder = getincrementaldecoder  # type: ignore[assignment,attr-defined]


class DectreeApp(App[int]):
    """Troubleshooting decision trees: home screen, walks, conclusions."""

    CSS_PATH = "dectree.tcss"
    TITLE = "dectree"
    CURSOR_BLINK: ClassVar[bool] = True
    """Whether text fields blink their cursor (tests switch it off for stable snapshots)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("f1", "help", "Help", show=False),
        Binding("ctrl+q", "request_quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        source: Catalog | Callable[[], Catalog],
        *,
        start: Start | None = None,
        incident: str | None = None,
        variables: Mapping[str, str] | None = None,
        file_variables: Mapping[str, str] | None = None,
        secret_variables: Mapping[str, str] | None = None,
        notices: Sequence[str] = (),
        clock: Clock = _utc_now,
        today: dt.date | None = None,
        attach: Hooks = (),
        cursor_blink: bool | None = None,
        run_disabled: str | None = None,
        listing: Sequence[TreeSummary] | None = None,
    ) -> None:
        super().__init__()
        self.listing = listing
        self.run_disabled = run_disabled
        lenient_terminal_input()
        self._source = source
        self.start_at = start
        self.incident = incident
        self.variables: dict[str, str] = dict(variables or {})
        self.file_variables: dict[str, str] = dict(file_variables or {})
        self.secret_variables: dict[str, str] = dict(secret_variables or {})
        self._notices = list(notices)
        self.clock = clock
        self.today = today
        self._hooks: Hooks = attach
        self.cursor_blink = self.CURSOR_BLINK if cursor_blink is None else cursor_blink
        self.catalog: Catalog | None = None
        self.index: SearchIndex | None = None
        self._painted: threading.Event | None = None
        self.parked: list[Session] = []
        """Walks left with `h`, oldest first; the home screen lists them."""
        self._journal_problems: list[SessionJournal] = []
        self._asking: set[int] = set()
        self.crash_report: str | None = None
        """What to print after an error nothing handled (see `_handle_exception`)."""

    def _handle_exception(self, error: Exception) -> None:
        """An error nothing handled: the app exits with code 1 (Textual's), the traceback
        goes to a log file, and the terminal gets one line pointing at it (not a traceback
        with local variables, which could hold a secret). Every step was fsynced as it
        happened, so the journal is intact and `dectree resume --last` carries on."""
        import traceback

        from dectree.records.paths import crash_log
        from dectree.text.plain import clean

        log = crash_log("".join(traceback.format_exception(error)))
        super()._handle_exception(error)
        where = f"details in {log}" if log else "no log could be written"
        line = clean(f"dectree: internal error: {type(error).__name__}: {error}")
        # Printed by the command once the terminal is back (`crash_report`), unwrapped so
        # the log's path stays one piece to copy; Textual prints nothing itself.
        self.crash_report = f"{line[:300]}\nThe journal is intact (dectree resume --last); {where}"
        self._exit_renderables.clear()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast, whoever raises it: text from a tree, a journal or an error
        (file names, versions) is cleaned of control, bidi and zero-width characters."""
        from dectree.app.safe import clean

        super().notify(
            clean(message), title=clean(title), severity=severity, timeout=timeout, markup=markup
        )

    @property
    def attach(self) -> tuple[Attach, ...]:
        """The hooks every new session gets (made on first use if given as a function)."""
        if callable(self._hooks):
            self._hooks = tuple(self._hooks())
        return tuple(self._hooks)

    # -- start-up ------------------------------------------------------------

    def on_mount(self) -> None:
        from dectree.app.screens.home import HomeScreen

        source = self._source
        direct = not callable(source) and self.start_at is not None
        if not direct:
            self.push_screen(HomeScreen())
        for notice in self._notices:
            self.notify(notice, title="Variables file", severity="warning", timeout=20, markup=False)
        if not callable(source):
            self._loaded(source)
            if direct and not self.screen_stack[1:]:
                self.push_screen(HomeScreen())  # the walk could not start: home, with why
        else:
            # Load once the first frame is out: a loading thread would hold the
            # GIL while the home screen is being laid out and painted.
            self.call_after_refresh(self._load_catalog, source)

    # Explicit descriptions: by default Textual describes a worker by the repr()
    # of its arguments, which for a catalog is the whole tree (seconds at 10,000 nodes).
    @work(thread=True, exclusive=True, group="load", description="load the trees")
    def _load_catalog(self, load: Callable[[], Catalog]) -> None:
        catalog = load()
        self.call_from_thread(self._loaded, catalog)

    @work(thread=True, exclusive=True, group="index", description="index the trees for search")
    def _build_index(self, catalog: Catalog, after: threading.Event | None = None) -> None:
        """Index the trees; with `after`, once it is set (when the screen that shows the
        trees has painted: until then this thread would take the GIL from the paint)."""
        from dectree.engine.search import SearchIndex
        from dectree.engine.session import tree_map

        if after is not None:
            after.wait(timeout=_INDEX_WAIT)
        index = SearchIndex(tree_map(catalog))
        self.call_from_thread(self._indexed, index)

    def _indexed(self, index: SearchIndex) -> None:
        from dectree.app.screens.home import HomeScreen

        self.index = index
        gc.freeze()  # see _loaded
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen) and screen.composed:
                screen.index_ready()

    def _loaded(self, catalog: Catalog) -> None:
        from dectree.app.screens.home import HomeScreen

        self.catalog = catalog
        # The trees live as long as the app: keep them out of the cyclic garbage
        # collector, whose full passes otherwise walk every node of every tree
        # (0.1 to 0.3 s pauses, a few per minute of walking a 10,000-node tree).
        gc.freeze()
        # Search waits for the index; the trees (or the walk) show first. The worker
        # exists from now on (so waiting for the app's workers waits for it too), but
        # starts indexing only after the next refresh has painted what follows here.
        painted = self._painted = threading.Event()
        self._build_index(catalog, painted)
        self.call_after_refresh(painted.set)
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen) and screen.composed:
                screen.show_catalog(catalog)
        if self.start_at is not None:
            start, self.start_at = self.start_at, None
            if start.resume is None:
                if self.start_walk(start.tree_id, start.node_id) and start.notice:
                    self.notify(
                        start.notice, title="This tree has errors", severity="warning",
                        timeout=30, markup=False,
                    )
            else:
                self.open_walk(start.resume, start.notice)

    def on_unmount(self) -> None:
        if self._painted is not None:
            self._painted.set()  # an index worker still waiting need not wait any more
        gc.unfreeze()  # what was frozen is collectable again once the app is gone

    @property
    def today_date(self) -> dt.date:
        """The date review badges are computed for (injected in tests)."""
        return self.today or self.clock().date()

    # -- walks -----------------------------------------------------------------

    def new_session(self) -> Session:
        """A new session over the catalog, with every `attach` hook applied to it."""
        from dectree.engine.session import Session, WalkError

        if self.catalog is None:
            raise WalkError("the trees are still loading")
        session = Session(self.catalog, clock=self.clock)
        for hook in self.attach:
            hook(session)
        return session

    def start_walk(
        self, tree_id: str, node_id: str | None = None, *, query: str | None = None
    ) -> Session | None:
        """Start a session and open the walk screen on it; None (and a notice) if it cannot.

        Asked for before the trees are loaded (a tree chosen from the list known from
        the last load), the walk opens as soon as they are."""
        if self.catalog is None and self.listing is not None and query is None:
            self.start_at = Start(tree_id, node_id)
            return None
        return self._start(lambda session: session.start(tree_id, node_id, via_search=query))

    def start_from_search(self, query: str, start: SearchStart, hits: int) -> Session | None:
        """Start where a search said to (recording why) and open the walk screen on it."""
        return self._start(
            lambda session: session.start_from_search(query, start, hits), from_search=query
        )

    def _start(
        self, begin: Callable[[Session], None], *, from_search: str | None = None
    ) -> Session | None:
        from dectree.app.screens.walk import WalkScreen
        from dectree.engine.session import WalkError

        try:
            session = self.new_session()
            begin(session)
            skipped = self.preset_variables(session)
        except WalkError as exc:
            self.notify(str(exc), title="Cannot start the walk", severity="error", markup=False)
            return None
        if skipped:
            names = ", ".join(skipped)
            self.notify(
                f"Not used from the variables file: {names} (secret: put secrets under "
                "[secrets] in a private file, or type them with v).",
                title="Variables file",
                severity="warning",
                timeout=20,
                markup=False,
            )
        self.push_screen(
            WalkScreen(session, incident=self.incident, clock=self.clock, from_search=from_search)
        )
        self._show_journal_problems()
        return session

    def preset_variables(self, session: Session) -> list[str]:
        """Set the values from variables files and `--var` on a new walk.

        Returns the names from the `[variables]` of a file that were left out
        because a tree declares them secret (secrets come only from `[secrets]`).
        """
        skipped = []
        for name, value in self.file_variables.items():
            if name in self.variables or name in self.secret_variables:
                continue
            if session.is_secret(name):
                skipped.append(name)
                continue
            session.set_variable(name, value)
        for name, value in self.secret_variables.items():
            if name not in self.variables:
                session.set_variable(name, value, secret=True)
        for name, value in self.variables.items():
            session.set_variable(name, value)
        return skipped

    def open_walk(self, session: Session, notice: str | None = None) -> None:
        """Show an existing (resumed) session on the walk screen, with `notice` if any."""
        from dectree.app.screens.walk import WalkScreen

        if session.parked:
            session.unpark()
        self.push_screen(WalkScreen(session, incident=self.incident, clock=self.clock))
        if notice:
            self.notify(notice, title="Resumed", severity="warning", timeout=20, markup=False)
        self._show_journal_problems()

    # -- the journal ---------------------------------------------------------------

    def recording_state(self, session: Session) -> str | None:
        """What the header says while the walk is not all on disk (None when it is)."""
        for hook in self.attach:
            journal_for = getattr(hook, "journal_for", None)
            journal = journal_for(session) if journal_for is not None else None
            if journal is not None and journal.error is not None:
                return f"NOT RECORDED ({journal.behind} waiting)"
        return None

    def journal_failed(self, journal: SessionJournal) -> None:
        """A journal write failed: the walk waits until the engineer retries or carries on.

        Shown at once (or as soon as the app runs); the dialog blocks every step."""
        if not self.is_running:
            self._journal_problems.append(journal)
            return
        if id(journal) not in self._asking:
            self._asking.add(id(journal))
            # After the handler that failed has finished: a walk it opens goes under the dialog.
            self.call_later(self._ask_about_journal, journal)

    def _ask_about_journal(self, journal: SessionJournal) -> None:
        from dectree.app.screens.confirm import ConfirmScreen

        message = (
            f"The walk cannot be recorded: {journal.error}.\n\n"
            "Retry writing now, or carry on unrecorded (dectree keeps every step in "
            "memory and writes them all as soon as it can; the header says so meanwhile)."
        )
        dialog = ConfirmScreen(message, yes="Retry", no="Carry on unrecorded")

        def chosen(retry: bool | None) -> None:
            self._asking.discard(id(journal))
            if retry and not journal.flush():
                self.call_later(self.journal_failed, journal)
            elif not retry:
                journal.carry_on()
            self._refresh_walks()

        self.push_screen(dialog, chosen)

    def _refresh_walks(self) -> None:
        from dectree.app.screens.walk import WalkScreen

        for screen in self.screen_stack:
            if isinstance(screen, WalkScreen):
                self.call_later(screen.sync)

    def _show_journal_problems(self) -> None:
        waiting, self._journal_problems = self._journal_problems, []
        for journal in waiting:
            if journal.error is not None:
                self.journal_failed(journal)

    def go_home(self) -> None:
        """Close every walk and show the home screen.

        A walk opened directly (`dectree run TREE`, `dectree resume`) is the first
        screen, painted without composing the home screen beneath it (its widgets and
        styles cost about 60 ms before the walk's first frame): home is made here,
        the first time it is needed."""
        from dectree.app.screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.push_screen(HomeScreen())

    def park_walk(self, session: Session) -> None:
        """Leave a walk in progress (recorded) and go home; it is listed there to resume."""
        session.park()
        if session not in self.parked:
            self.parked.append(session)
        self.go_home()

    def resume_parked(self, session: Session) -> None:
        """Take up a parked walk where it stood."""
        if session in self.parked:
            self.parked.remove(session)
        self.go_home()
        self.open_walk(session)

    def back_to_results(self, query: str) -> None:
        """Go home with `query` in the search box and its results listed again."""
        from dectree.app.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.return_to_results(query)
        self.go_home()

    # -- actions ----------------------------------------------------------------

    def action_help(self) -> None:
        from dectree.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_request_quit(self) -> None:
        """Quit, asking first if a walk is in progress (the walk screen decides) or parked."""
        from dectree.app.screens.confirm import ConfirmScreen
        from dectree.app.screens.walk import WalkScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, WalkScreen):
                screen.request_quit()
                return
        if not self.parked:
            self.exit(0)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit(0)

        self.push_screen(ConfirmScreen(self.parked_notice(), yes="Quit", no="Stay"), answer)

    def parked_notice(self) -> str:
        """What quitting does to the parked walks."""
        count = len(self.parked)
        walks = "1 walk is" if count == 1 else f"{count} walks are"
        return (
            f"{walks} in progress (parked). Quit anyway? They stay recorded as in progress: "
            "'dectree resume' reopens them."
        )

    async def action_quit(self) -> None:
        await self.action_request_quit()

    def action_export(self, target: str | None = None) -> None:
        """Write the walk on screen as Markdown (`dectree.records.export_walk`) and copy it.

        The file goes under the sessions directory unless `target` names another.
        """
        from pathlib import Path

        from dectree.engine.session import Session
        from dectree.records.export_walk import export_walk

        session = getattr(self.screen, "session", None)
        if not isinstance(session, Session):
            self.notify("Open a walk to export it.", title="Export")
            return
        incident = getattr(self.screen, "incident", None) or self.incident
        result = export_walk(
            session,
            self.attach,
            incident=incident,
            target=Path(target) if target else None,
        )
        if result.ok:
            self.copy_to_clipboard(result.markdown)
            self.notify(result.message, title="Export", markup=False, timeout=10)
        else:
            self.notify(result.message, title="Export", severity="error", markup=False)

    def export_path(self, session: Session) -> str | None:
        """Where `e` writes `session`'s export; None when walks are not recorded."""
        from dectree.records.export_walk import default_export_path

        path = default_export_path(session, self.attach)
        return None if path is None else str(path)

    def set_incident(self, incident: str) -> None:
        """The incident id for the walks started from now on (and their journals)."""
        self.incident = incident
        for hook in self.attach:
            if hasattr(hook, "incident"):
                hook.incident = incident  # a Recorder: the header of the next journal

    # -- command palette ------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every key binding of the screen and the app, then Textual's own commands."""
        seen: set[str] = set()
        for node, bindings in ((screen, type(screen).BINDINGS), (self, type(self).BINDINGS)):
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                if binding.action in seen or node.check_action(binding.action, ()) is False:
                    continue
                seen.add(binding.action)
                key = binding.key_display or binding.key
                yield SystemCommand(
                    binding.description,
                    binding.tooltip or f"key: {key}",
                    partial(node.run_action, binding.action),
                )
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command


def build_app(
    catalog: Catalog | Callable[[], Catalog],
    *,
    tree: str | None = None,
    at: str | None = None,
    incident: str | None = None,
    variables: Mapping[str, str] | None = None,
    file_variables: Mapping[str, str] | None = None,
    secret_variables: Mapping[str, str] | None = None,
    notices: Sequence[str] = (),
    clock: Clock | None = None,
    today: dt.date | None = None,
    attach: Hooks = (),
    cursor_blink: bool | None = None,
    resume: Session | None = None,
    notice: str | None = None,
    run_disabled: str | None = None,
    listing: Sequence[TreeSummary] | None = None,
) -> DectreeApp:
    """Make the app: on the home screen, or walking `tree` from `at` (default its start).

    `catalog` is a loaded catalog or a function that loads one (run in a worker,
    so the first frame does not wait for it). `attach` hooks get every new
    session before it starts: subscribe a journal there. `clock` and `today`
    freeze time for tests. `resume` opens a replayed session (`dectree resume`)
    instead, showing `notice` over it. `file_variables` (a variables file's
    `[variables]`, skipped for variables a tree declares secret),
    `secret_variables` (its `[secrets]`) and then `variables` (`--var`) are set
    on every new walk; `notices` are shown once at start. `run_disabled` turns running
    checks off and says why (`--no-run`, the user config).
    `notice` is shown once the walk is open (what changed since a resumed session, or
    the errors of the tree walked). `listing` is what the home screen lists until the
    catalog is loaded (`dectree.model.listing.quick_listing`).
    """
    if resume is not None:
        step = resume.path[0]
        begin: Start | None = Start(step.tree_id, step.node_id, resume=resume, notice=notice)
    else:
        begin = Start(tree, at, notice=notice) if tree else None
    return DectreeApp(
        catalog,
        start=begin,
        incident=incident,
        variables=variables,
        file_variables=file_variables,
        secret_variables=secret_variables,
        notices=notices,
        clock=clock or _utc_now,
        today=today,
        attach=attach,
        cursor_blink=cursor_blink,
        run_disabled=run_disabled,
        listing=listing,
    )
