"""A journal file on disk: append with one `write` and `fsync`, under an exclusive lock.

The lock (`flock`) is held while a dectree writes the journal and released by
the kernel when the process ends, however it ends, so `in_use` tells a live
session from one whose terminal died. Files are private (0600) in a private
directory (0700).
"""

from __future__ import annotations

import os
from pathlib import Path

from dectree.journal_reader import Journal

FILE_MODE = 0o600
DIR_MODE = 0o700


class JournalFile:
    """An open journal: appends bytes with one `write` each, then `fsync`."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def create(cls, path: Path) -> JournalFile:
        """Create a new journal (never overwrites), making its directory if needed."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, FILE_MODE)
        _lock(fd)
        _fsync_dir(path.parent)
        return cls(path, fd)

    @classmethod
    def reopen(cls, journal: Journal) -> JournalFile:
        """Open a journal to append, dropping a torn last line first."""
        fd = os.open(journal.path, os.O_WRONLY | os.O_APPEND)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise
        opened = cls(journal.path, fd)
        if journal.torn_line is not None:
            os.ftruncate(fd, journal.clean_size)
        elif not journal.ends_with_newline:
            opened.append(b"\n")
        return opened

    def append(self, data: bytes) -> None:
        """Write `data` at the end and wait until it is on disk."""
        if self._fd is None:
            raise OSError(f"{self.path}: journal is closed")
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _lock(fd: int) -> None:
    """Hold an exclusive lock while the journal is open for writing (released on exit or kill).

    Raises `BlockingIOError` if another dectree holds it. No-op where `fcntl` is missing.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def in_use(path: Path) -> bool:
    """Whether another process is writing this journal now (a live dectree holds its lock)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        _lock(fd)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing releases the probe's lock
    return False


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
