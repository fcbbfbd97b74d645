"""Command-line glue for session records: the shared options and picking a journal.

`dectree run` uses `add_record_args` and `recorder_for` to journal every walk;
`resume`, `export` and `sessions` use `add_session_choice` and `chosen_journal`.
Not a command itself (it is not listed in `dectree.cli.COMMANDS`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dectree.commands.output import echo, text_arg
from dectree.records.paths import (
    SessionNotFound,
    add_sessions_dir,
    find_session,
    last_session,
    sessions_dir,
)

if TYPE_CHECKING:  # imported lazily: every command's parser loads this module
    from dectree.model.catalog import Catalog
    from dectree.records.reader import Journal
    from dectree.records.writer import Recorder


def add_record_args(parser: argparse.ArgumentParser) -> None:
    """`--sessions-dir` and `--engineer`, for commands that record walks."""
    add_sessions_dir(parser)
    parser.add_argument(
        "--engineer",
        type=text_arg,
        metavar="NAME",
        help="who is walking, for the record (default: login name)",
    )


def recorder_for(
    args: argparse.Namespace, *, incident: str | None = None, catalog: Catalog | None = None
) -> Recorder:
    """The journal hook for the app, from `--sessions-dir`, `--engineer` and `--incident`.

    With the `catalog` the walks use, the hashes of its trees for the journals' headers
    come from the tree cache (`dectree.records.treehash`)."""
    from dectree.model.treecache import TreeCache
    from dectree.records.treehash import TreeHashes
    from dectree.records.writer import Recorder

    return Recorder(
        sessions_dir(getattr(args, "sessions_dir", None)),
        engineer=getattr(args, "engineer", None),
        incident=incident if incident is not None else getattr(args, "incident", None),
        hashes=TreeHashes(catalog, TreeCache.default()) if catalog is not None else None,
    )


def report_errors_in(recorder: Recorder, app: Any) -> None:
    """Hand journal write failures to the app (`DectreeApp.journal_failed`): a dialog that
    holds the walk until the engineer retries or carries on unrecorded. A failure that
    happened before the app runs (reopening a journal to resume) is shown when it starts."""

    def show(_message: str) -> None:
        for journal in recorder.journals.values():
            if journal.error is not None and not journal.carrying_on:
                app.journal_failed(journal)

    recorder.on_error = show
    show("")


def add_session_choice(parser: argparse.ArgumentParser) -> None:
    """`SESSION` (file, id or id prefix) or `--last`, and `--sessions-dir`."""
    parser.add_argument(
        "session",
        nargs="?",
        metavar="SESSION",
        help="session id, unique id prefix, or journal file (see `dectree sessions`)",
    )
    parser.add_argument("--last", action="store_true", help="the session started last")
    add_sessions_dir(parser)


def chosen_path(args: argparse.Namespace) -> Path | None:
    """The journal file SESSION or --last names; prints why not and returns None."""
    if bool(args.session) == bool(args.last):
        echo("dectree: error: give a SESSION or --last (one of them)", err=True)
        return None
    directory = sessions_dir(args.sessions_dir)
    try:
        return last_session(directory) if args.last else find_session(directory, args.session)
    except SessionNotFound as exc:
        echo(f"dectree: error: {exc}", err=True)
        return None


def chosen_journal(args: argparse.Namespace) -> Journal | None:
    """The journal SESSION or --last names, read and checked; prints problems."""
    from dectree.records.reader import JournalError, read_journal

    path = chosen_path(args)
    if path is None:
        return None
    try:
        journal = read_journal(path)
    except JournalError as exc:
        echo(str(exc), err=True)
        return None
    warning = journal.warning()
    if warning:
        echo(warning, err=True)
    return journal
