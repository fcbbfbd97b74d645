"""`dectree render`: trees as Markdown runbooks, Mermaid flowcharts or Graphviz DOT.

    dectree render TREE [--format markdown|mermaid|dot] [-o FILE]
    dectree render --all [PATH...] -o DIR [--format ...] [--check]

TREE is a tree file or a tree id. A file is loaded with the trees beside it, so
its links into other trees are checked; an id is looked up among the trees
found as for `dectree list`. Output goes to stdout unless `-o` names a file;
`--all` writes one file per tree into DIR (runbooks as
`<tree-id>-troubleshooting.md`), or with `--check` only reports which are
out of date. Trees with errors are still rendered, their problems drawn in,
and the exit code is 1.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dectree.commands.common import load_or_usage_error, positive_int
from dectree.commands.output import document, echo
from dectree.model.catalog import Catalog, LoadedTree
from dectree.source.problems import Problem, Severity
from dectree.source.yamlsource import MAX_BYTES


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="*", metavar="TREE",
                        help="a tree file or id; with --all: tree files or directories")
    parser.add_argument("--format", "-f", choices=("markdown", "mermaid", "dot"),
                        default="markdown", help="output format (default markdown)")
    parser.add_argument("--output", "-o", metavar="FILE|DIR",
                        help="write to FILE (default stdout); with --all, the directory")
    parser.add_argument("--all", action="store_true", help="render every tree found")
    parser.add_argument("--check", action="store_true",
                        help="with --all: write nothing, exit 1 if a file in DIR is out of date")
    parser.add_argument("--max-bytes", type=positive_int, default=MAX_BYTES, metavar="N",
                        help=f"refuse tree files larger than N bytes (default {MAX_BYTES})")


def run(args: argparse.Namespace) -> int:
    from dectree.check.validate import validate_catalog

    usage = _usage_error(args)
    if usage:
        echo(f"dectree render: error: {usage}", err=True)
        return 2
    if args.all:
        args.paths = args.targets
        catalog = load_or_usage_error(args)
        if catalog is None:
            return 2
        problems = validate_catalog(catalog)
        return _render_all(catalog, problems, args)
    found = _load_one(args.targets[0], args.max_bytes)
    if isinstance(found, int):
        return found
    catalog, loaded = found
    problems = validate_catalog(catalog)
    return _render_one(loaded, problems, args)


def _usage_error(args: argparse.Namespace) -> str | None:
    if args.all:
        if not args.output or args.output == "-":
            return "--all needs -o DIR"
        if Path(args.output).exists() and not Path(args.output).is_dir():
            return f"{args.output}: not a directory"
        return None
    if args.check:
        return "--check works with --all"
    if len(args.targets) != 1:
        return "give one TREE (a file or a tree id), or --all"
    return None


def _load_one(target: str, max_bytes: int) -> tuple[Catalog, LoadedTree] | int:
    from dectree.model.catalog import load_catalog

    path = Path(target)
    if path.is_file():
        # Load the trees beside it too, so its links into them can be checked.
        catalog = load_catalog([str(path.parent), str(path)], max_bytes=max_bytes)
        want = path.resolve()
        for loaded in catalog.trees.values():
            if Path(loaded.path).resolve() == want:
                return catalog, loaded
        _report([p for p in catalog.problems if Path(p.path).resolve() == want])
        echo(f"dectree render: {target}: the tree did not load", err=True)
        return 1
    if path.exists() or "/" in target or target.endswith((".yaml", ".yml")):
        echo(f"dectree render: error: {target}: no such tree file", err=True)
        return 2
    catalog = load_catalog(max_bytes=max_bytes)
    if target not in catalog.trees:
        known = ", ".join(sorted(catalog.trees)) or "none"
        echo(f"dectree render: error: no tree with id {target!r} (found: {known})", err=True)
        return 2
    return catalog, catalog.trees[target]


def _render_one(loaded: LoadedTree, problems: list[Problem], args: argparse.Namespace) -> int:
    from dectree.render.files import write_atomic
    from dectree.render.formats import render

    own = [p for p in problems if p.path == loaded.path]
    text = render(loaded, args.format, problems)
    if args.output and args.output != "-":
        try:
            write_atomic(Path(args.output), text)
        except OSError as exc:
            echo(f"dectree render: error: {args.output}: {exc.strerror or exc}", err=True)
            return 2
    else:
        document(text)
    return _report(own)


def _render_all(catalog: Catalog, problems: list[Problem], args: argparse.Namespace) -> int:
    from dectree.render.files import is_current, write_atomic
    from dectree.render.formats import output_name, render

    status = _report(catalog.problems)
    if not catalog.trees:
        echo("dectree render: no trees loaded", err=True)
        return 1
    out_dir = Path(args.output)
    stale: list[str] = []
    for tree_id in sorted(catalog.trees):
        loaded = catalog.trees[tree_id]
        status = max(status, _report([p for p in problems if p.path == loaded.path
                                      and p not in catalog.problems]))
        target = out_dir / output_name(tree_id, args.format)
        text = render(loaded, args.format, problems)
        if args.check:
            if not is_current(target, text):
                stale.append(str(target))
            continue
        try:
            write_atomic(target, text)
        except OSError as exc:
            echo(f"dectree render: error: {target}: {exc.strerror or exc}", err=True)
            return 2
        echo(f"wrote {target}", err=True)
    if args.check:
        for path in stale:
            echo(f"{path}: out of date", err=True)
        if stale:
            echo(f"{len(stale)} file(s) out of date; refresh them with: "
                  f"dectree render --all {' '.join(args.targets) or 'trees'} -o {args.output}"
                  + (f" --format {args.format}" if args.format != "markdown" else ""), err=True)
            return 1
        echo(f"{len(catalog.trees)} file(s) up to date", err=True)
    return status


def _report(problems: list[Problem]) -> int:
    """Print errors and warnings to stderr; 1 if there is an error."""
    shown = [p for p in problems if p.level is not Severity.info]
    for p in shown:
        echo(str(p), err=True)
    return 1 if any(p.level is Severity.error for p in shown) else 0
