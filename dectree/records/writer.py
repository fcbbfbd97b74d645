"""Writing session journals: append-only JSON Lines, each event on disk before the screen moves.

A `Recorder` is the hook the app applies to every new session (`build_app(...,
attach=[recorder])`): it subscribes a `SessionJournal` that writes the header
when the walk starts, then one line per engine event, plus the tree and node
records (`dectree.records.journal_format`) that keep what the engineer was shown. Each event
is written with one `write` and `fsync`ed before the listener returns, that is
before the screen redraws, so a terminal killed mid-walk loses nothing shown.

A write that fails (disk full, directory read-only or gone, the lock held by
another dectree) never breaks the walk and never loses what was shown: the
lines not yet on disk stay in memory (`unwritten`), a partly written line is cut
off again, and every later event tries again, writing everything that waits
in one append once space returns. While anything waits, `error` says why and
`behind` how many events; the recorder's `on_error` is called so the app can
ask the engineer to retry or carry on (`carry_on`: later failures then retry
quietly, and the screen keeps showing that the walk is not recorded).
`Recorder.resume` continues an existing journal for a session rebuilt by
`dectree.engine.session.Session.replay`; it takes the journal's lock at once, so
a second dectree resuming the same session is told (`locked`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dectree import __version__
from dectree.engine.events import Event, Finished, SessionStarted, event_to_dict
from dectree.engine.session import Session
from dectree.model.tree import Tree
from dectree.records.journal_format import (
    JournalHeader,
    ResumedRecord,
    node_record,
    tree_record,
)
from dectree.records.paths import journal_name
from dectree.records.reader import Journal
from dectree.records.treehash import TreeHashes
from dectree.text.plain import json_safe

ErrorHandler = Callable[[str], None]

# A journal file on disk: one `write` and `fsync` per append, under an exclusive `flock`
# held while a dectree writes it and released by the kernel when the process ends,
# however it ends, so `in_use` tells a live session from one whose terminal died.
# Files are private (0600) in a private directory (0700).
FILE_MODE = 0o600
DIR_MODE = 0o700


class JournalFile:
    """An open journal: appends bytes with one `write` each, then `fsync`."""

    def __init__(self, path: Path, fd: int, size: int = 0) -> None:
        self.path = path
        self._fd: int | None = fd
        self.size = size
        """Bytes known to be on disk: a failed append is cut back to this."""

    @classmethod
    def create(cls, path: Path) -> JournalFile:
        """Create a new journal (never overwrites), making its directory if needed."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, FILE_MODE)
        try:
            _lock(fd)
            _fsync_dir(path.parent)
        except OSError:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise
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
        try:
            if journal.torn_line is not None:
                os.ftruncate(fd, journal.clean_size)
            opened = cls(journal.path, fd, os.fstat(fd).st_size)
            if not journal.ends_with_newline and journal.torn_line is None:
                opened.append(b"\n")
        except OSError:
            os.close(fd)
            raise
        return opened

    def append(self, data: bytes) -> None:
        """Write `data` at the end and wait until it is on disk.

        If any of it cannot be written, what was written of it is cut off again
        (as far as the file system allows) and the error is raised: the file never
        keeps half a line that a later append would run on from."""
        if self._fd is None:
            raise OSError(f"{self.path}: journal is closed")
        view = memoryview(data)
        try:
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fsync(self._fd)
        except OSError:
            try:
                os.ftruncate(self._fd, self.size)
            except OSError:
                pass
            raise
        self.size += len(data)

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


def login_name() -> str:
    """The engineer's login name, or "unknown" where the system has none."""
    try:
        return getpass.getuser() or "unknown"
    except (OSError, KeyError, ImportError):
        return "unknown"


def host_name() -> str:
    """This machine's host name."""
    return socket.gethostname() or "unknown"


def _dump(line: dict[str, Any]) -> bytes:
    # errors="replace": a lone surrogate (undecodable bytes from somewhere) becomes "?"
    # rather than an exception in the middle of a walk; arguments are checked earlier.
    text = json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"
    text = text.encode("utf-8", errors="replace").decode("utf-8")
    # JSON escapes C0 only: DEL, C1 (a raw U+009B is a CSI to a terminal that honours
    # 8-bit controls, when someone runs `cat` or `tail -f` on a journal) and bidi
    # characters are written as \u escapes, which read back the same.
    return json_safe(text).encode("utf-8")


class SessionJournal:
    """The listener that records one session; built by `Recorder` and `Recorder.resume`."""

    def __init__(
        self,
        session: Session,
        directory: Path,
        *,
        engineer: str,
        host: str,
        incident: str | None,
        on_error: ErrorHandler | None = None,
        hashes: Callable[[Tree], str] | None = None,
    ) -> None:
        self.session = session
        self._hash = hashes or TreeHashes()
        self.directory = directory
        self.engineer, self.host, self.incident = engineer, host, incident
        self.on_error = on_error
        self.file: JournalFile | None = None
        self.error: str | None = None
        """Why lines are waiting to be written, while any are (None when all are on disk)."""
        self.unwritten: list[bytes] = []
        """Lines not on disk yet, oldest first: written with the next append that works."""
        self.behind = 0
        """Events among `unwritten` (what the screen says is not recorded)."""
        self.carrying_on = False
        """The engineer chose to carry on unrecorded: later failures retry without asking."""
        self.locked = False
        """The journal is held by another dectree (a second resume of one session)."""
        self._target: Path | None = None
        self._reopen: Journal | None = None
        self._finished = False
        self._pending: list[Event] = []
        self._trees: set[str] = set()
        self._nodes: set[str] = set()

    @property
    def path(self) -> Path | None:
        """The journal file, once the walk started."""
        if self.file is not None:
            return self.file.path
        return self._target

    def __call__(self, event: Event) -> None:
        if self._target is None:
            if not isinstance(event, SessionStarted):
                self._pending.append(event)
                return
            self._begin(event)
        self.unwritten.append(self._lines(event))
        self.behind += 1
        if isinstance(event, Finished):
            self._finished = True
        self.flush()

    def flush(self) -> bool:
        """Write every waiting line in one append; True when nothing is left waiting.

        Called by every event; the app calls it again when the engineer asks to retry."""
        if not self.unwritten:
            return True
        try:
            if self.file is None:
                self.file = (
                    JournalFile.reopen(self._reopen)
                    if self._reopen is not None
                    else JournalFile.create(self._target or self.directory / "journal.jsonl")
                )
            self.file.append(b"".join(self.unwritten))
        except OSError as exc:
            self._fail(exc)
            return False
        self.unwritten.clear()
        self.behind = 0
        self.error = None
        self.carrying_on = False  # a later failure asks again
        self.locked = False
        if self._finished:
            self.file.close()
        return True

    def carry_on(self) -> None:
        """The engineer carries on unrecorded: keep the lines, retry at every event, stop asking."""
        self.carrying_on = True

    def continue_from(self, journal: Journal, record: ResumedRecord) -> None:
        """Append to an existing journal, starting with a `resumed` record.

        The journal is opened and locked now, before the walk is shown: `locked`
        tells that another dectree holds it."""
        self._trees.update(journal.trees)
        self._nodes.update(journal.nodes)
        self._reopen = journal
        self._target = journal.path
        self.unwritten.append(_dump(record.model_dump(mode="json")))
        self.flush()

    def hash_of(self, tree: Tree) -> str:
        """The tree's content hash, computed once per tree object (`TreeHashes`)."""
        return self._hash(tree)

    def _begin(self, started: SessionStarted) -> None:
        """The header line, the first to be written, and where the journal will be."""
        tree = self.session.trees[started.tree_id]
        header = JournalHeader(
            session_id=started.session_id,
            tree_id=tree.id,
            tree_version=tree.version,
            tree_hash=self.hash_of(tree),
            engineer=self.engineer,
            host=self.host,
            incident=self.incident,
            started_at=started.at,
            dectree_version=__version__,
        )
        self._target = self.directory / journal_name(started.session_id, started.at)
        self.unwritten.append(_dump(header.model_dump(mode="json")))

    def _lines(self, event: Event) -> bytes:
        """The event (after any held before the start) and what it shows, as journal lines."""
        lines = [event_to_dict(e) for e in self._pending] + [event_to_dict(event)]
        self._pending.clear()
        lines += self._shown()
        return b"".join(_dump(line) for line in lines)

    def _shown(self) -> list[dict[str, Any]]:
        """Tree and node records for what the session shows now, the first time only."""
        if not self.session.path:
            return []
        step = self.session.current
        out: list[dict[str, Any]] = []
        if step.tree_id not in self._trees:
            self._trees.add(step.tree_id)
            tree = self.session.trees[step.tree_id]
            out.append(tree_record(tree, self.hash_of(tree)).model_dump(mode="json"))
        if step.ref not in self._nodes:
            self._nodes.add(step.ref)
            record = node_record(step.tree_id, step.node_id, self.session.node)
            out.append(record.model_dump(mode="json"))
        return out

    def _fail(self, exc: OSError) -> None:
        where = self.path or self.directory
        if isinstance(exc, BlockingIOError):
            self.locked = True
            why = "this session is open in another dectree (its journal is locked)"
        else:
            why = exc.strerror or str(exc)
        waiting = f"{self.behind} step(s) not on disk yet" if self.behind else "nothing lost yet"
        self.error = f"{where}: {why}: {waiting}; dectree tries again at every step"
        if self.on_error is not None and not self.carrying_on:
            self.on_error(self.error)


class Recorder:
    """The app's attach hook: every session it is given gets a journal in `directory`."""

    def __init__(
        self,
        directory: Path,
        *,
        engineer: str | None = None,
        host: str | None = None,
        incident: str | None = None,
        on_error: ErrorHandler | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        hashes: TreeHashes | None = None,
    ) -> None:
        self.directory = directory
        self.hashes = hashes or TreeHashes()
        """Tree hashes for the journals' headers, shared by every walk."""
        self.clock = clock or _now
        self.engineer = engineer or login_name()
        self.host = host or host_name()
        self.incident = incident
        self.on_error = on_error
        self.journals: dict[str, SessionJournal] = {}

    def __call__(self, session: Session) -> SessionJournal:
        journal = SessionJournal(
            session,
            self.directory,
            engineer=self.engineer,
            host=self.host,
            incident=self.incident,
            on_error=self._error,
            hashes=self.hashes,
        )
        session.subscribe(journal)
        self.journals[session.id] = journal
        return journal

    def resume(
        self, session: Session, journal: Journal, *, reason: str | None = None
    ) -> SessionJournal:
        """Keep recording a replayed `session` in its own journal."""
        listener = SessionJournal(
            session,
            journal.path.parent,
            engineer=self.engineer,
            host=self.host,
            incident=journal.header.incident,
            on_error=self._error,
            hashes=self.hashes,
        )
        keep = session.events[-1].seq if session.events else 0
        record = ResumedRecord(
            at=self.clock(),
            engineer=self.engineer,
            host=self.host,
            keep_through=keep,
            reason=reason,
            torn_line_dropped=journal.torn_line is not None,
        )
        listener.continue_from(journal, record)
        session.subscribe(listener)
        self.journals[session.id] = listener
        return listener

    def journal_for(self, session: Session) -> SessionJournal | None:
        """The journal recording `session`, if this recorder records it."""
        return self.journals.get(session.id)

    def _error(self, message: str) -> None:
        if self.on_error is not None:
            self.on_error(message)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
