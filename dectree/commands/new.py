"""`dectree new ID [-o FILE]`: write a new tree skeleton that validates.

Without `-o` the skeleton goes to stdout. An existing FILE is kept unless
`--force` is given; the write is atomic either way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from dectree.commands.common import date_arg
from dectree.commands.output import echo


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("tree_id", metavar="ID", help="id of the new tree, e.g. 'dns'")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="write the skeleton to FILE (default stdout)")
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    parser.add_argument("--today", type=date_arg, metavar="YYYY-MM-DD",
                        help="date for the review fields (default today)")


def run(args: argparse.Namespace) -> int:
    from dectree.model.scaffold import ScaffoldError, skeleton
    from dectree.render.files import write_atomic

    out = args.output if args.output and args.output != "-" else None
    try:
        text = skeleton(args.tree_id, today=args.today or dt.date.today(), path=out)
    except ScaffoldError as exc:
        echo(f"dectree new: error: {exc}", err=True)
        return 2
    if out is None:
        sys.stdout.write(text)
        return 0
    path = Path(out)
    if path.exists() and not args.force:
        echo(f"dectree new: error: {out} exists; use --force to overwrite it", err=True)
        return 2
    try:
        write_atomic(path, text)
    except OSError as exc:
        echo(f"dectree new: error: {out}: {exc.strerror or exc}", err=True)
        return 2
    echo(f"wrote {out}; fill in the <FILL IN: ...> values, then run: dectree validate {out}", err=True)
    return 0
