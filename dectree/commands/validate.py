"""`dectree validate`: check trees and print problems like a compiler."""

from __future__ import annotations

import argparse
import json
import sys

from dectree.commands.common import add_paths, date_arg, load_or_usage_error
from dectree.problems import Problem, Severity
from dectree.validate import DEFAULT_MAX_PATH, validate_catalog


def configure(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    parser.add_argument("--format", choices=("text", "json", "github"), default="text")
    parser.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    parser.add_argument(
        "--today", type=date_arg, metavar="YYYY-MM-DD", help="date for review checks"
    )
    parser.add_argument(
        "--max-path",
        type=int,
        default=DEFAULT_MAX_PATH,
        metavar="N",
        help=f"warn when the longest path from a start exceeds N steps (default {DEFAULT_MAX_PATH})",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no summary line, no info")


def _github(p: Problem) -> str:
    kind = {"error": "error", "warning": "warning", "info": "notice"}[p.level.value]
    message = p.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{kind} file={p.path},line={p.line},col={p.column},title={p.code}::{message}"


def run(args: argparse.Namespace) -> int:
    catalog = load_or_usage_error(args, with_siblings=True)
    if catalog is None:
        return 2
    problems = validate_catalog(catalog, today=args.today, max_path=args.max_path)
    if args.quiet:
        problems = [p for p in problems if p.level is not Severity.info]
    counts = {level: sum(p.level is level for p in problems) for level in Severity}
    failed = counts[Severity.error] > 0 or (args.strict and counts[Severity.warning] > 0)
    out = sys.stdout
    if args.format == "json":
        json.dump(
            {
                "files": len(catalog.files),
                "trees": sorted(catalog.checked),
                "problems": [
                    {
                        "path": p.path,
                        "line": p.line,
                        "column": p.column,
                        "level": p.level.value,
                        "code": p.code,
                        "message": p.message,
                    }
                    for p in problems
                ],
                "errors": counts[Severity.error],
                "warnings": counts[Severity.warning],
                "ok": not failed,
            },
            out,
            indent=2,
        )
        out.write("\n")
    else:
        for p in problems:
            out.write((_github(p) if args.format == "github" else str(p)) + "\n")
        if args.format == "text" and not args.quiet:
            out.write(
                f"{len(catalog.files)} file{'s' if len(catalog.files) != 1 else ''}, "
                f"{len(catalog.checked)} tree{'s' if len(catalog.checked) != 1 else ''}: "
                f"{counts[Severity.error]} error(s), {counts[Severity.warning]} warning(s), "
                f"{counts[Severity.info]} note(s)\n"
            )
    return 1 if failed else 0
