"""`dectree test`: walk each tree's scenarios and report what passed and what did not.

Exit 0 when every scenario passes, 1 on a failed scenario, a tree that did not
load or that `dectree validate` finds errors in (and, with --strict, on a
conclusion or escalation no scenario reaches),
2 when a path cannot be read.
"""

from __future__ import annotations

import argparse

from dectree.commands.common import add_paths, load_or_usage_error
from dectree.commands.output import echo, write_json
from dectree.text.plain import clean

UNREADABLE = "DT010"


def configure(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="conclusions and escalations not covered by any scenario fail too (exit 1)",
    )


def run(args: argparse.Namespace) -> int:
    from dectree.check.scenarios import format_text, run_scenarios, to_json

    catalog = load_or_usage_error(args, with_siblings=True)
    if catalog is None:
        return 2
    from dectree.check.validate import validate_catalog
    from dectree.source.problems import Severity

    report = run_scenarios(catalog)
    # A tree `dectree validate` rejects fails here too, scenarios or not: its errors are
    # reported (with the load problems) and the run exits 1.
    errors = [p for p in validate_catalog(catalog) if p.level is Severity.error]
    report.problems = sorted(set(report.problems) | set(errors))
    if args.format == "json":
        write_json(to_json(report, strict=args.strict))
    else:
        for line in format_text(report, strict=args.strict):
            echo(clean(line))  # one line each, whatever the scenario name holds
    if any(p.code == UNREADABLE for p in report.problems):
        return 2
    return 0 if report.ok(args.strict) else 1
