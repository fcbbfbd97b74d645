"""`dectree sessions`: the recorded sessions, oldest first (id, tree, incident, start, duration, outcome).

Unreadable journals (no readable header) are named on stderr as `path:line: message`
and skipped; a journal with damaged lines is listed, marked "(damaged)", and each
skipped line is named on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt

from dectree.commands.output import echo, write_json
from dectree.records.paths import add_sessions_dir, journal_files, sessions_dir
from dectree.text.plain import clean

ID_WIDTH = 12


def configure(parser: argparse.ArgumentParser) -> None:
    add_sessions_dir(parser)
    parser.add_argument("--tree", metavar="ID", help="only sessions that started in this tree")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from dectree.records.stats import collect
    from dectree.text.plain import format_duration

    directory = sessions_dir(args.sessions_dir)
    summaries, errors = collect(journal_files(directory))
    for error in errors:
        echo(str(error), err=True)
    for s in summaries:
        for line, why in s.damaged:
            echo(clean(f"{s.path}:{line}: warning: {why}; line skipped, the rest kept"), err=True)
    rows = [s for s in summaries if args.tree is None or s.tree_id == args.tree]
    rows.sort(key=lambda s: s.started_at)
    if args.format == "json":
        data = [
            {
                "id": s.session_id,
                "tree": s.tree_id,
                "incident": s.incident,
                "started_at": s.started_at.isoformat(),
                "ended_at": s.ended_at.isoformat() if s.ended_at else None,
                "duration_seconds": ((s.ended_at or s.last_at) - s.started_at).total_seconds(),
                "outcome": s.outcome or "in_progress",
                "damaged_lines": [line for line, _ in s.damaged],
                "path": str(s.path),
            }
            for s in rows
        ]
        write_json(data)
        return 0
    if not rows:
        echo(f"no sessions recorded in {directory}")
        return 0
    table = [("ID", "TREE", "INCIDENT", "STARTED (UTC)", "DURATION", "OUTCOME")]
    for s in rows:
        duration = format_duration(((s.ended_at or s.last_at) - s.started_at).total_seconds())
        table.append(
            (
                clean(s.session_id[:ID_WIDTH]),
                clean(s.tree_id),
                _clip(s.incident or "-", 24),
                s.started_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
                duration,
                clean(s.outcome or "in progress")
                + (" (torn)" if s.torn else "")
                + (" (damaged)" if s.damaged else ""),
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _clip(text: str, limit: int) -> str:
    from dectree.text.plain import terminal_line

    return terminal_line(text, limit)
