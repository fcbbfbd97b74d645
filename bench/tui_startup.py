"""First frame on a real terminal: start a process on a pty and time its output.

The clock starts just before the process is spawned and stops when the bytes
read from the pty's master side contain a marker (a text the first frame
shows). Nothing inside the app is instrumented, so the app and the floor are
timed by exactly the same means. The process is killed once its frame is
seen (or at the timeout).
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

ANSI = re.compile(r"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07]*\x07")


@dataclass
class Frame:
    """When each marker was first seen, in seconds since the spawn (None: never)."""

    seen: dict[str, float | None]
    output_bytes: int
    cpu: float | None = None
    """CPU seconds (user + system) the process had used when the last marker was seen
    (Linux, from /proc; None elsewhere or if it was never seen): steadier than wall
    time on a loaded machine."""


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process `pid` so far, from /proc (None if unreadable)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def first_frames(
    cmd: Sequence[str],
    markers: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: str,
    size: tuple[int, int] = (120, 40),
    timeout: float = 30.0,
) -> Frame:
    """Run `cmd` on a pty of `size` (columns, rows); time the first sight of each marker."""
    master, slave = os.openpty()
    columns, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    seen: dict[str, float | None] = dict.fromkeys(markers)
    cpu: float | None = None
    buffer = bytearray()
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=dict(env),
        cwd=cwd,
        start_new_session=True,
    )
    os.close(slave)
    try:
        deadline = started + timeout
        while any(v is None for v in seen.values()):
            left = deadline - time.perf_counter()
            if left <= 0:
                break
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # the child closed the pty (it exited)
                break
            now = time.perf_counter() - started
            if not chunk:
                break
            buffer += chunk
            text = ANSI.sub("", buffer.decode("utf-8", errors="replace"))
            for marker, at in seen.items():
                if at is None and marker in text:
                    seen[marker] = now
            if all(at is not None for at in seen.values()):
                cpu = cpu_seconds(proc.pid)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(master)
    return Frame(seen, len(buffer), cpu)
