"""Running a step's check: consent first, every time, then the run with its output streaming.

`RunConsentScreen` shows the exact filled command (secret values masked),
where the tree says to run it, the timeout and that the output is recorded;
`y` runs it, `n`/Esc does not, and the focus starts on "Don't run". There is
no "always": each run is asked for.

`RunScreen` records `check_started`, runs `/bin/sh -c` in a worker thread,
streams stdout and stderr into a log (plain text, control characters shown as
`\\xNN`, never interpreted or parsed as markup), and Esc cancels (the whole
process group is killed). When the run ends it records `check_ran` and says
what the output suggests; the engineer closes the screen and chooses.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Log, Static

from dectree.app.safe import one_line, plain
from dectree.app.screens.confirm import ConfirmScreen
from dectree.app.widgets.command_block import command_content
from dectree.engine.fill import FilledCommand
from dectree.engine.runner import CheckRun, RunResult
from dectree.engine.session import Session, WalkError
from dectree.text.plain import visible_controls

SHOWN_LINES = 5000
"""Lines the log keeps on screen; the record keeps 1 MiB whatever this is."""
FLUSH_SECONDS = 0.1
MAX_FLUSH = 256 * 1024


class RunConsentScreen(ConfirmScreen):
    """Ask before running a command: the command, where, how long; y runs, n/Esc does not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Run it"),
        Binding("n,escape", "answer(False)", "Don't run"),
    ]
    DIALOG_CLASSES = "dialog run-consent"

    def __init__(
        self, number: int, filled: FilledCommand, *, where: str | None, timeout: float
    ) -> None:
        super().__init__("", yes="Run it", no="Don't run")
        self.number = number
        self.filled = filled
        self.where = where
        self.timeout = timeout

    def body(self) -> ComposeResult:
        yield Static(
            Content.assemble((f"Run check {self.number} here, in /bin/sh?", "bold")),
            classes="dialog-text",
        )
        yield Static(command_content(self.filled), classes="command run-command")
        if self.where:
            yield Static(
                Content.assemble(
                    ("The tree says to run it ", "$text-warning"),
                    plain(one_line(self.where), "bold $text-warning"),
                    (": run it only if this terminal is there.", "$text-warning"),
                ),
                classes="dialog-text",
            )
        notes = f"Stopped after {self.timeout:g} s. Esc cancels it. Its output is recorded in the session (credentials redacted)."
        if self.filled.secrets:
            notes += " Secret values are masked here and never recorded."
        yield Static(plain(notes, "$text-muted"), classes="dialog-text")


class RunScreen(ModalScreen[None]):
    """One run of check `index` of the session's current question."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop_or_close", "Cancel / close"),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, session: Session, index: int) -> None:
        super().__init__(classes="run-screen")
        self.session = session
        self.index = index
        self.run: CheckRun | None = None
        self.result: RunResult | None = None
        self._pending: list[str] = []
        # The last lines shown, kept here: Log's own max_lines left its virtual
        # height at the untrimmed size (blank screens after large outputs).
        self._shown: deque[str] = deque(maxlen=SHOWN_LINES)
        self._partial = ""
        self._lock = threading.Lock()
        self._started_seq: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="run-body"):
            yield Static(id="run-title")
            yield Log(id="run-log", highlight=False, auto_scroll=True)
            yield Static(id="run-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        title = self.query_one("#run-title", Static)
        try:
            filled, timeout, seq = self.session.check_started(self.index)
        except WalkError as exc:
            title.update(plain(str(exc), "$text-error"))
            self.query_one("#run-status", Static).update("Not run. Esc closes.")
            return
        self._started_seq = seq
        title.update(
            Content.assemble(
                (f"Check {self.index + 1} ", "bold"), command_content(filled)
            )
        )
        self.query_one("#run-status", Static).update(
            Content.assemble(("Running… ", "bold"), (f"(stops after {timeout:g} s; Esc cancels)", "$text-muted"))
        )
        self.run = CheckRun(filled.text, timeout=timeout, on_output=self._collect)
        self.set_interval(FLUSH_SECONDS, self._flush)
        self.run_worker(self._work, thread=True, exclusive=True, name="check", description="run check")

    def _collect(self, text: str) -> None:
        with self._lock:
            self._pending.append(text)

    def _flush(self) -> None:
        with self._lock:
            text, self._pending = "".join(self._pending), []
        if not text:
            return
        if len(text) > MAX_FLUSH:
            skipped = len(text) - MAX_FLUSH
            self._shown.append(f"[… {skipped:,} characters not shown …]")
            self._partial = ""
            text = text[-MAX_FLUSH:]
        lines = (self._partial + visible_controls(text)).split("\n")
        self._partial = lines.pop()
        self._shown.extend(lines)
        log = self.query_one("#run-log", Log)
        log.clear()
        log.write_lines([*self._shown, self._partial] if self._partial else self._shown)
        log.call_after_refresh(log.scroll_end, animate=False)

    def _work(self) -> None:
        assert self.run is not None
        result = self.run.run()
        self.app.call_from_thread(self._done, result)

    def _done(self, result: RunResult) -> None:
        self._flush()
        self.result = result
        status = self.query_one("#run-status", Static)
        try:
            event = self.session.check_ran(self.index, result, self._started_seq)
        except WalkError as exc:
            status.update(plain(f"Ran, but could not be recorded: {exc}", "$text-error"))
            return
        if event.status == "exited":
            how = f"Exited with code {event.exit_code}"
        elif event.status == "failed":
            how = f"Could not start: {event.error}"
        else:
            how = event.status.replace("_", " ").capitalize()
        parts: list[str | Content | tuple[str, str]] = [
            (f"{how} after {event.seconds:.1f} s", "bold"),
            f", {event.total_bytes:,} bytes",
        ]
        if event.cut_bytes:
            parts.append(f" ({event.cut_bytes:,} cut from the middle of the record)")
        if event.redactions:
            parts.append(f", {event.redactions} credential(s) redacted in the record")
        lines = [Content.assemble(*parts)]
        for match in event.suggested:
            seen = f": {match.line}" if match.line else " (exit code)"
            lines.append(
                Content.assemble(
                    ("◆ suggests ", "$text-success"),
                    plain(one_line(match.label), "bold $text-success"),
                    plain(one_line(seen, 160), "$text-muted"),
                )
            )
        if not event.suggested:
            lines.append(plain("No rule matched: read the output and choose.", "$text-muted"))
        lines.append(plain("Enter or Esc: back to the step (nothing is chosen for you).", "$text-muted"))
        status.update(Content("\n").join(lines))
        log = self.query_one("#run-log", Log)  # the status grew: keep the last line in view
        log.call_after_refresh(log.scroll_end, animate=False)

    def action_stop_or_close(self) -> None:
        if self.run is not None and self.result is None:
            self.run.cancel()
            self.query_one("#run-status", Static).update("Cancelling…")
            return
        self.dismiss(None)

    def action_close(self) -> None:
        if self.run is None or self.result is not None:
            self.dismiss(None)

    def on_unmount(self) -> None:
        if self.run is not None and self.result is None:
            self.run.cancel()
