"""Argument helpers shared by the command modules."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from dectree.commands.output import echo
from dectree.source.files import why_unusable
from dectree.source.yamlsource import MAX_BYTES

if TYPE_CHECKING:
    from dectree.model.catalog import Catalog


def positive_int(text: str) -> int:
    """argparse type for a limit: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def add_paths(parser: argparse.ArgumentParser) -> None:
    """Positional tree paths and the loader's limits."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="tree files or directories (default: ./trees if present, else the bundled trees)",
    )
    parser.add_argument(
        "--max-bytes",
        type=positive_int,
        default=MAX_BYTES,
        metavar="N",
        help=f"refuse tree files larger than N bytes (default {MAX_BYTES})",
    )


EARLIEST_DATE = dt.date(1970, 1, 1)
LATEST_DATE = dt.date(8999, 12, 31)  # dates are added to (review intervals): keep far from 9999


def date_arg(text: str) -> dt.date:
    """argparse type for YYYY-MM-DD, from 1970 to 8999."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise argparse.ArgumentTypeError(
            f"{text!r} is out of range: a date from {EARLIEST_DATE} to {LATEST_DATE}"
        )
    return day


def missing_paths(paths: list[str]) -> list[str]:
    """Given paths that do not exist (or are links to nothing)."""
    return [p for p in paths if not Path(p).exists()]


def missing_message(path: str) -> str:
    """Why `path`, one of `missing_paths`, cannot be used: absent, a dangling link or a link loop."""
    try:
        os.stat(path)
    except FileNotFoundError as exc:
        if os.path.islink(path):
            return why_unusable(path, exc)
    except OSError as exc:
        return why_unusable(path, exc)
    return "no such file or directory"


def load_or_usage_error(
    args: argparse.Namespace, *, with_siblings: bool = False, cache: bool = False
) -> Catalog | None:
    """Load the catalog, or print why the paths are unusable and return None (exit 2).

    With `with_siblings`, trees beside named files load as context for links;
    with `cache`, unchanged files come from the tree cache.
    """
    missing = missing_paths(args.paths)
    if missing:
        for path in missing:
            echo(f"dectree: error: {path}: {missing_message(path)}", err=True)
        return None
    from dectree.model.catalog import load_catalog  # pydantic and the models: only when loading

    return load_catalog(
        args.paths, max_bytes=args.max_bytes, with_siblings=with_siblings, cache=cache
    )
