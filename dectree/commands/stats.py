"""`dectree stats [--since DATE] [--tree ID] [--format text|json]`: operations figures from journals.

Procedure usage, the outcome split (success versus escalation), median and
90th percentile time to conclusion per tree and per conclusion, the most
frequent conclusions, where walks are abandoned and where engineers go back.
How in-progress sessions are counted is printed with the figures. Unreadable
journals are named on stderr (`path:line: message`), skipped and counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from dectree.commands.common import date_arg
from dectree.commands.output import echo, write_json
from dectree.records.paths import add_sessions_dir, journal_files, sessions_dir
from dectree.text.plain import clean


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the number of hours must be positive")
    return value


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date and time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def configure(parser: argparse.ArgumentParser) -> None:
    add_sessions_dir(parser)
    parser.add_argument(
        "--since", type=date_arg, metavar="DATE", help="sessions started on or after DATE (UTC)"
    )
    parser.add_argument("--tree", metavar="ID", help="only sessions that started in this tree")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--stale-after",
        type=_hours,
        default=24.0,
        metavar="HOURS",
        help="an unfinished session counts as abandoned after HOURS without activity (default 24)",
    )
    parser.add_argument(
        "--top", type=int, default=10, metavar="N", help="rows per list (default 10)"
    )
    parser.add_argument("--now", type=_moment, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    from dectree.records.stats import Options, collect, compute

    directory = sessions_dir(args.sessions_dir)
    summaries, errors = collect(journal_files(directory))
    for error in errors:
        echo(str(error), err=True)
    for s in summaries:
        for line, why in s.damaged:
            echo(clean(f"{s.path}:{line}: warning: {why}; line skipped, the rest kept"), err=True)
    options = Options(
        now=args.now or dt.datetime.now(dt.timezone.utc),
        since=args.since,
        tree=args.tree,
        stale_after=dt.timedelta(hours=args.stale_after),
        top=max(args.top, 0),
    )
    result = compute(summaries, options, skipped=len(errors))
    if args.format == "json":
        write_json(result)
    else:
        sys.stdout.write(clean(render_text(result, str(directory)), newlines=True))
    return 0


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _time(seconds: float | None) -> str:
    from dectree.text.plain import format_duration

    return "-" if seconds is None else format_duration(seconds)


def _label(row: dict[str, Any]) -> str:
    from dectree.text.plain import terminal_line

    title = row.get("title")
    return f"{row['node']}  {terminal_line(title, 50)}" if title else str(row["node"])


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    rows = [[clean(c) for c in row] for row in rows]  # ids, outcomes and titles from journals
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def render_text(r: dict[str, Any], where: str) -> str:
    """The statistics as text for a terminal."""
    filters = [f"since {r['filters']['since']}"] if r["filters"]["since"] else []
    filters += [f"tree {r['filters']['tree']}"] if r["filters"]["tree"] else []
    scope = f" ({', '.join(filters)})" if filters else ""
    counting = r["counting"]
    lines = [
        f"{r['sessions']} sessions in {where}{scope}",
        f"In progress: {counting['in_progress']}. Counting: {counting['rule']}.",
    ]
    if r["skipped_unreadable"]:
        lines.append(f"Skipped: {r['skipped_unreadable']} unreadable journal(s), named on stderr.")
    if r.get("damaged_journals"):
        lines.append(
            f"Damaged: {r['damaged_journals']} journal(s) with unreadable lines, counted "
            "from the lines that could be read; the lines are named on stderr."
        )
    outcomes = r["outcomes"]
    total = sum(outcomes.values())
    lines += ["", f"Outcomes ({total} sessions with an outcome)"]
    lines += _table(
        [[name, str(n), _pct(n / total if total else None)] for name, n in outcomes.items()],
        {1, 2},
    )
    rates = r["rates"]
    lines.append(
        f"  success rate (resolved + workaround) {_pct(rates['success'])}, "
        f"escalation rate {_pct(rates['escalation'])}"
    )
    lines += ["", "Procedure usage and time to conclusion (median / 90th percentile)"]
    header = [
        "tree",
        "sessions",
        "resolved",
        "workaround",
        "escalated",
        "abandoned",
        "in progress",
        "median",
        "p90",
    ]
    rows = [header]
    for t in r["trees"]:
        times = t["time_to_conclusion"]
        rows.append(
            [
                t["tree"],
                str(t["sessions"]),
                *(
                    str(t["outcomes"][o])
                    for o in ("resolved", "workaround", "escalated", "abandoned")
                ),
                str(t["in_progress"]),
                _time(times["median_seconds"]),
                _time(times["p90_seconds"]),
            ]
        )
    lines += _table(rows, set(range(1, 9))) if r["trees"] else ["  (none)"]
    sections: list[tuple[str, str, list[dict[str, Any]]]] = [
        ("Most frequent conclusions, with time to conclusion", "conclusions", r["conclusions"]),
        ("Where walks are abandoned", "abandoned", r["abandoned_at"]),
        ("Where engineers go back most (the step returned to)", "back", r["went_back_to"]),
    ]
    for title, kind, items in sections:
        lines += ["", title]
        if not items:
            lines.append("  (none)")
            continue
        if kind == "conclusions":
            rows = [["count", "median", "p90", "conclusion"]]
            rows += [
                [
                    str(c["count"]),
                    _time(c["time_to_conclusion"]["median_seconds"]),
                    _time(c["time_to_conclusion"]["p90_seconds"]),
                    _label(c),
                ]
                for c in items
            ]
            lines += _table(rows, {0, 1, 2})
        elif kind == "abandoned":
            lines += _table(
                [["count", "node"], *([str(a["count"]), _label(a)] for a in items)], {0}
            )
        else:
            rows = [["times", "sessions", "node"]]
            rows += [[str(b["count"]), str(b["sessions"]), _label(b)] for b in items]
            lines += _table(rows, {0, 1})
    return "\n".join(lines) + "\n"
