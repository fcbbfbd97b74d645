"""Where session journals live, and finding one by id, prefix, file or `--last`.

The sessions directory is, in order of precedence: `--sessions-dir DIR`;
`$DECTREE_HOME/sessions` when `DECTREE_HOME` is set; the user data directory
from platformdirs (`~/.local/share/dectree/sessions` on Linux).

A journal is named `<started>-<session id>.jsonl`, `<started>` being the UTC
start time as `YYYYmmddTHHMMSSZ`, so sorting the names sorts the sessions by
start. A session is named on the command line by its file, its id, or any
unique prefix of its id of at least 4 characters (like a git commit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

HOME_ENV = "DECTREE_HOME"
JOURNAL_SUFFIX = ".jsonl"
MIN_PREFIX = 4


class SessionNotFound(Exception):
    """A session named on the command line matches no journal, or several."""


def sessions_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The sessions directory (not created here)."""
    if explicit:
        return Path(explicit).expanduser()
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / "sessions"
    from platformdirs import user_data_path

    return user_data_path("dectree", appauthor=False) / "sessions"


def crash_log(text: str, *, now: dt.datetime | None = None) -> Path | None:
    """Write `text` (a traceback) to a new private file beside the sessions; its path, or
    None if it cannot be written. `$DECTREE_HOME/logs` when set, else the user log dir."""
    home = os.environ.get(HOME_ENV)
    if home:
        directory = Path(home).expanduser() / "logs"
    else:
        from platformdirs import user_log_path

        directory = user_log_path("dectree", appauthor=False)
    moment = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = directory / f"crash-{moment}-{os.getpid()}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(text)
    except OSError:
        return None
    return path


def add_sessions_dir(parser: argparse.ArgumentParser) -> None:
    """The `--sessions-dir DIR` option every records command shares."""
    parser.add_argument(
        "--sessions-dir",
        metavar="DIR",
        help=f"where session journals are kept (default: ${HOME_ENV}/sessions if set, "
        "else the user data directory)",
    )


def journal_name(session_id: str, started: dt.datetime) -> str:
    """The file name of a session's journal."""
    stamp = started.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{session_id}{JOURNAL_SUFFIX}"


def session_id_of(path: Path) -> str:
    """The session id in a journal's file name (the name itself if it is not ours)."""
    stem = path.name[: -len(JOURNAL_SUFFIX)] if path.name.endswith(JOURNAL_SUFFIX) else path.name
    stamp, sep, rest = stem.partition("-")
    return rest if sep and len(stamp) == 16 and stamp.endswith("Z") else stem


def journal_files(directory: Path) -> list[Path]:
    """Every journal in `directory`, oldest start first; none if it does not exist.

    A file reached under two names (a symlink beside its target, a hard link) is one
    journal: it is listed once, under its own name rather than a link's."""
    try:
        with os.scandir(directory) as entries:
            found = []
            for e in entries:
                if not e.name.endswith(JOURNAL_SUFFIX) or not e.is_file():
                    continue
                try:
                    info = e.stat()
                except OSError:
                    continue
                found.append(((info.st_dev, info.st_ino), e.is_symlink(), e.name))
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return []
    names: dict[tuple[int, int], str] = {}
    for key, _, name in sorted(found, key=lambda f: (f[1], f[2])):  # real files first
        names.setdefault(key, name)
    return [directory / name for name in sorted(names.values())]


def find_session(directory: Path, ref: str) -> Path:
    """The journal named by `ref`: a path, a session id, or a unique id prefix."""
    candidate = Path(ref).expanduser()
    if candidate.suffix == JOURNAL_SUFFIX or os.sep in ref:
        if candidate.is_file():
            return candidate
        raise SessionNotFound(f"{ref}: no such journal file")
    files = journal_files(directory)
    exact = [p for p in files if session_id_of(p) == ref]
    if exact:
        return exact[-1]
    if len(ref) < MIN_PREFIX:
        raise SessionNotFound(
            f"session id prefix {ref!r} is too short: give at least {MIN_PREFIX} characters"
        )
    matches = [p for p in files if session_id_of(p).startswith(ref)]
    if not matches:
        raise SessionNotFound(f"no session {ref!r} in {directory} (see `dectree sessions`)")
    if len(matches) > 1:
        ids = ", ".join(session_id_of(p)[:12] for p in matches[:5])
        raise SessionNotFound(f"session id prefix {ref!r} is ambiguous: {ids}")
    return matches[0]


def last_session(directory: Path) -> Path:
    """The journal of the session started last."""
    files = journal_files(directory)
    if not files:
        raise SessionNotFound(f"no sessions recorded in {directory}")
    return files[-1]
