"""Running one check: `/bin/sh -c` in its own process group, bounded in time and memory.

The command gets no input (stdin is /dev/null), stdout and stderr are read
together as they come (so their lines interleave as on a terminal), and at
most `limit` bytes are kept: the first half and the last half, with the count
of bytes cut between them. A timeout or `cancel()` ends the whole process
group (SIGTERM, then SIGKILL after a grace period), and so does the end of the
run: nothing the check started in the background is left behind. On Linux the
shell is also killed if dectree dies (PR_SET_PDEATHSIG), so a dectree killed
mid-run does not leave the check running. Blocking: call `run` from a worker
thread.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 1024 * 1024
GRACE = 2.0
SHELL = "/bin/sh"


class RunStatus(str, Enum):
    """How a run ended."""

    exited = "exited"
    timed_out = "timed_out"
    cancelled = "cancelled"
    failed = "failed"  # could not be started
    interrupted = "interrupted"  # dectree stopped during the run (found on resume)


@dataclass(frozen=True)
class RunResult:
    """What a run gave: its end, exit code, time taken and the output kept."""

    status: RunStatus
    exit_code: int | None
    duration: float
    output: str
    total_bytes: int
    cut_bytes: int
    error: str | None = None


class _Kept:
    """The first and last `limit / 2` bytes of a stream, and how much fell between."""

    def __init__(self, limit: int) -> None:
        self.half = max(limit // 2, 1)
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, data: bytes) -> None:
        self.total += len(data)
        room = self.half - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail += data
            if len(self.tail) > 2 * self.half:  # trim now and then, not on every chunk
                del self.tail[: len(self.tail) - self.half]

    def text(self) -> tuple[str, int]:
        tail = self.tail[-self.half :] if len(self.tail) > self.half else self.tail
        cut = self.total - len(self.head) - len(tail)
        head = self.head.decode("utf-8", "replace")
        if cut <= 0:
            return (bytes(self.head) + bytes(tail)).decode("utf-8", "replace"), 0
        notice = f"\n[… {cut:,} bytes of output cut here; the first and last {self.half:,} kept …]\n"
        return head + notice + bytes(tail).decode("utf-8", "replace"), cut


def keep(data: bytes, limit: int = DEFAULT_LIMIT) -> tuple[str, int]:
    """`data` as text, its first and last `limit / 2` bytes kept; and the bytes cut."""
    kept = _Kept(limit)
    kept.add(data)
    return kept.text()


def _death_signal() -> Callable[[], None] | None:
    """A `preexec_fn` that has the kernel kill the check when dectree dies (Linux).

    `prctl` is looked up here, in the parent: loading a library between fork and
    exec is not safe. In the child, a parent that died before `prctl` took effect
    (the signal is then never sent) is caught by comparing the parent's pid.
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def die_with_parent() -> None:  # pragma: no cover - runs in the child
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:
            os._exit(255)

    return die_with_parent


class CheckRun:
    """One run of one command. `on_output` gets decoded text as it arrives."""

    def __init__(
        self,
        command: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        limit: int = DEFAULT_LIMIT,
        on_output: Callable[[str], None] | None = None,
        on_start: Callable[[int], None] | None = None,
    ) -> None:
        self.command = command
        self.timeout = timeout
        self.limit = limit
        self.on_output = on_output
        self.on_start = on_start
        self._cancel = threading.Event()
        self.pid: int | None = None

    def cancel(self) -> None:
        """Stop the run (from any thread); `run` returns with status `cancelled`."""
        self._cancel.set()

    def run(self) -> RunResult:
        """Run the command to its end, its timeout or its cancellation."""
        started = time.monotonic()
        kept = _Kept(self.limit)
        try:
            proc = subprocess.Popen(
                [SHELL, "-c", self.command],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_death_signal(),
                close_fds=True,
            )
        except OSError as exc:
            return RunResult(RunStatus.failed, None, 0.0, "", 0, 0, error=str(exc))
        self.pid = proc.pid
        if self.on_start is not None:
            self.on_start(proc.pid)
        status = self._pump(proc, kept, started)
        if status is not RunStatus.exited:
            self._stop(proc)
        code = proc.wait()
        self._kill_group(proc.pid, signal.SIGKILL)  # whatever it left in the background
        output, cut = kept.text()
        duration = time.monotonic() - started
        exit_code = code if status is RunStatus.exited else None
        return RunResult(status, exit_code, duration, output, kept.total, cut)

    def _pump(self, proc: subprocess.Popen[bytes], kept: _Kept, started: float) -> RunStatus:
        assert proc.stdout is not None
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        fd = proc.stdout.fileno()
        os.set_blocking(fd, False)
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while True:
                if self._cancel.is_set():
                    return RunStatus.cancelled
                left = self.timeout - (time.monotonic() - started)
                if left <= 0:
                    return RunStatus.timed_out
                if not selector.select(min(left, 0.1)):
                    # The shell is done and nothing came for a while: what is
                    # still holding the pipe ran in the background; it is killed.
                    if proc.poll() is not None:
                        return RunStatus.exited
                    continue
                try:
                    data = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not data:
                    return RunStatus.exited
                kept.add(data)
                if self.on_output is not None:
                    self.on_output(decoder.decode(data))

    def _stop(self, proc: subprocess.Popen[bytes]) -> None:
        self._kill_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(GRACE)
        except subprocess.TimeoutExpired:
            pass
        self._kill_group(proc.pid, signal.SIGKILL)

    @staticmethod
    def _kill_group(pgid: int, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)
