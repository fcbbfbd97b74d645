"""`dectree validate`: check trees and print problems like a compiler."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from dectree.check.cache import Input, Outcome, ResultCache, file_digest, run_key
from dectree.commands.common import (
    add_paths,
    date_arg,
    load_or_usage_error,
    missing_paths,
    positive_int,
)
from dectree.commands.output import echo, write_json
from dectree.model.discovery import discover, siblings, skipped_entries
from dectree.source.problems import DEFAULT_MAX_PATH, Problem, Severity


def configure(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    parser.add_argument("--format", choices=("text", "json", "github"), default="text")
    parser.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    parser.add_argument(
        "--today", type=date_arg, metavar="YYYY-MM-DD", help="date for review checks"
    )
    parser.add_argument(
        "--max-path",
        type=positive_int,
        default=DEFAULT_MAX_PATH,
        metavar="N",
        help=f"warn when the longest path from a start exceeds N steps (default {DEFAULT_MAX_PATH})",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no summary line, no info")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the result cache (.dectree-cache/, or $DECTREE_CACHE_DIR)",
    )


def github_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF escaped (GitHub's rules for data),
    then any other control or invisible character shown as an escape (`clean`)."""
    from dectree.text.plain import clean

    return clean(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def github_property(text: str) -> str:
    """A workflow command's property value: as data, and `:` and `,` escaped too, so a
    file name cannot end the property list or start a second command."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(p: Problem) -> str:
    kind = {"error": "error", "warning": "warning", "info": "notice"}[p.level.value]
    return (
        f"::{kind} file={github_property(p.path)},line={p.line},col={p.column},"
        f"title={github_property(p.code)}::{github_data(p.message)}"
    )


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: loading makes millions of objects and no
    cycles, and the collector would scan them all again and again (3x slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _inputs(args: argparse.Namespace) -> list[Input] | None:
    """Every file the run will load, with its digest; None if one cannot be read."""
    chosen = discover(args.paths)
    context = siblings(args.paths, chosen)
    inputs = []
    for path, is_context in [*((p, False) for p in chosen), *((p, True) for p in context)]:
        digest = file_digest(path)
        if digest is None:
            return None
        inputs.append(Input(str(path), digest, is_context))
    return inputs


def _outcome(args: argparse.Namespace, today: dt.date) -> Outcome | None:
    """Problems of the run, from the cache when no input changed."""
    use_cache = not args.no_cache and not os.environ.get("DECTREE_NO_CACHE")
    inputs = _inputs(args) if use_cache else None
    cache, key = ResultCache(), ""
    if use_cache and not cache.usable():
        echo(
            f"dectree: {cache.directory} is a symlink or not yours: the result cache is not used",
            err=True,
        )
        inputs = None
    if inputs is not None:
        options = {"today": today, "max_path": args.max_path, "max_bytes": args.max_bytes}
        key = run_key(inputs, options)
        hit = cache.get(key)
        if hit is not None:
            return hit
    from dectree.check.incremental import validate_files  # a cache hit never needs the models

    found = validate_files(
        args.paths,
        today=today,
        max_path=args.max_path,
        max_bytes=args.max_bytes,
        cache=use_cache,
        known={i.path: i.digest for i in inputs} if inputs is not None else None,
    )
    outcome = Outcome(len(found.files), found.trees, found.problems)
    if inputs is not None:
        digests = {i.path: i.digest for i in inputs}
        # A file that changed while we read it must not be stored under its old digest.
        if all(digests.get(path) == digest for path, digest in found.digests.items()):
            cache.put(key, outcome)
    return outcome


def run(args: argparse.Namespace) -> int:
    if missing_paths(args.paths):
        load_or_usage_error(args)  # prints the missing paths
        return 2
    with _no_gc():
        outcome = _outcome(args, args.today or dt.date.today())
    if outcome is None:
        return 2
    problems = outcome.problems
    if args.quiet:
        problems = [p for p in problems if p.level is not Severity.info]
    counts = {level: sum(p.level is level for p in problems) for level in Severity}
    failed = counts[Severity.error] > 0 or (args.strict and counts[Severity.warning] > 0)
    out = sys.stdout
    if args.format == "json":
        write_json(
            {
                "files": outcome.files,
                "trees": outcome.trees,
                "problems": [p.to_dict() for p in problems],
                "errors": counts[Severity.error],
                "warnings": counts[Severity.warning],
                "ok": not failed,
            },
            stream=out,
        )
    else:
        for p in problems:
            out.write((_github(p) if args.format == "github" else str(p)) + "\n")
        if args.format == "text" and not args.quiet:
            out.write(
                f"{outcome.files} file{'s' if outcome.files != 1 else ''}, "
                f"{len(outcome.trees)} tree{'s' if len(outcome.trees) != 1 else ''}: "
                f"{counts[Severity.error]} error(s), {counts[Severity.warning]} warning(s), "
                f"{counts[Severity.info]} note(s)\n"
            )
    for path, why in skipped_entries(args.paths):
        echo(f"dectree: note: {path}: skipped: {why}", err=True)
    if outcome.files == 0:  # nothing was checked: not a success
        where = ", ".join(args.paths) or "the tree directories"
        echo(f"dectree: error: no tree files (*.yaml, *.yml) in {where}", err=True)
        return 2
    return 1 if failed else 0
