"""`dectree run [TREE] [--at NODE] [--incident ID] [--var name=value ...] [--var-file FILE] [PATH ...]`.

With no TREE, the app opens on the home screen (trees and search). With TREE,
a tree id or a tree file, the walk opens directly at the tree's start or at
`--at NODE`. Everything the app needs is checked before the screen takes over,
so a wrong tree id or node is a plain error message with exit code 2.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import re
from pathlib import Path
from typing import TYPE_CHECKING

from dectree.commands.common import add_paths, missing_message, missing_paths
from dectree.commands.output import echo, text_arg
from dectree.commands.policy import ConfigError, add_run_policy, run_disabled
from dectree.commands.recording import add_record_args, recorder_for, report_errors_in
from dectree.text.plain import clean

if TYPE_CHECKING:
    from dectree.model.catalog import Catalog
    from dectree.records.writer import Recorder


def var_arg(text: str) -> tuple[str, str]:
    """argparse type for `name=value`."""
    from dectree.model.tree import VAR_PATTERN  # pydantic: only when --var is given

    text = text_arg(text)
    name, sep, value = text.partition("=")
    if not sep or not re.match(VAR_PATTERN, name):
        raise argparse.ArgumentTypeError(
            f"expected name=value with a lowercase name (letters, digits, '_'), got {text!r}"
        )
    return name, value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "tree",
        nargs="?",
        metavar="TREE",
        help="tree id or tree file to walk (default: open the home screen)",
    )
    add_paths(parser)
    parser.add_argument(
        "--at", type=text_arg, metavar="NODE", help="start at this node instead of the tree's start"
    )
    parser.add_argument(
        "--incident", type=text_arg, metavar="ID", help="incident id shown in the header"
    )
    parser.add_argument(
        "--var",
        type=var_arg,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a variable used in commands (repeatable; wins over variables files)",
    )
    parser.add_argument(
        "--var-file",
        action="append",
        default=[],
        metavar="FILE",
        help="read variables from a TOML file ([variables], and [secrets] if the file is "
        "private); read after the per-user defaults file (repeatable)",
    )
    parser.add_argument(
        "--no-default-vars",
        action="store_true",
        help="do not read the per-user defaults file (dectree's config dir, variables.toml)",
    )
    add_record_args(parser)  # --sessions-dir, --engineer: the journal of every walk
    add_run_policy(parser)


def _error(message: str) -> int:
    echo(f"dectree: error: {message}", err=True)
    return 2


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _is_path(text: str) -> bool:
    """Whether TREE names a file or directory rather than a tree id."""
    return Path(text).suffix in (".yaml", ".yml") or "/" in text or Path(text).is_dir()


def _tree_in(catalog: Catalog, path: Path) -> str | None:
    """The id of the tree `catalog` loaded from file `path`, or None if it did not load."""
    wanted = str(path)
    for tree_id, loaded in catalog.trees.items():
        if loaded.path == wanted:
            return tree_id
    return None


def _check_before_walking(catalog: Catalog, tree_id: str, at: str | None) -> int | None:
    """Refuse a walk that cannot start: a start node that does not exist, or `--at` a node
    no start leads to (DT200, DT202); the exit code, or None to go on."""
    from dectree.check.links import gid, reachable

    loaded = catalog.trees[tree_id]
    if at is None and loaded.tree.start not in loaded.tree.nodes:
        line, column = loaded.position(("start",))
        echo(clean(f"{loaded.path}:{line}:{column}: error DT200 start node "
                   f"{loaded.tree.start!r} does not exist"), err=True)
        return 1
    if at is not None and gid(tree_id, at) not in reachable(catalog):
        line, column = loaded.position(("nodes", at), of_key=True)
        echo(clean(f"{loaded.path}:{line}:{column}: error DT202 node {at!r} cannot be reached "
                   "from any start: it is an island of the tree, not a place to begin"), err=True)
        return 2
    return None


def _broken_links_notice(catalog: Catalog, tree_id: str, at: str | None) -> str | None:
    """Links that lead nowhere on the walk's way, said on stderr now and returned as the
    notice the app shows when the walk opens (None when there are none)."""
    from dectree.check.links import all_links_resolve, broken_links, gid, reachable

    if all_links_resolve(catalog):
        return None
    loaded = catalog.trees[tree_id]
    ahead = reachable(catalog, [gid(tree_id, at or loaded.tree.start)])
    trees = sorted({ref.split(":", 1)[0] for ref in ahead})
    broken = [e for e in broken_links(catalog, trees) if e.source in ahead]
    if not broken:
        return None
    for edge in broken:
        where = catalog.trees[edge.source.split(":", 1)[0]]
        line, column = where.position(edge.loc)
        code = "DT201" if edge.target_tree == edge.source.split(":", 1)[0] else "DT210"
        if edge.target_tree not in catalog.trees:
            code = "DT209"
        echo(clean(f"{where.path}:{line}:{column}: error {code} link {edge.ref!r} "
                   f"(from {edge.source}) leads to no node"), err=True)
    first = broken[0]
    return (
        f"{len(broken)} link(s) on this walk lead nowhere, first {first.ref!r} from "
        f"'{first.source}': choosing it stops the walk there. Run `dectree validate`."
    )


def run(args: argparse.Namespace) -> int:
    try:
        no_run = run_disabled(args)
    except ConfigError as exc:
        return _error(str(exc))
    paths: list[str] = list(args.paths)
    tree_id: str | None = args.tree
    missing = missing_paths(paths)
    if missing:
        return _error(f"{missing[0]}: {missing_message(missing[0])}")
    tree_file: Path | None = None
    if tree_id is not None and _is_path(tree_id):
        # TREE is a file (walk it) or a directory (open the home screen on it).
        path = Path(tree_id)
        if not path.exists():
            return _error(f"{tree_id}: {missing_message(tree_id)}")
        paths.insert(0, tree_id)
        tree_id = None
        if path.is_file():
            tree_file = path  # its tree id is known once the catalog is loaded
    if args.at and tree_id is None and tree_file is None:
        return _error("--at needs a TREE")
    from dectree.commands.var_file import VarFileError, load_var_files

    try:
        files = load_var_files(args.var_file, use_default=not args.no_default_vars)
    except VarFileError as exc:
        return _error(str(exc))
    catalog = None
    notice = None
    if tree_id is not None or tree_file is not None:
        from dectree.model.catalog import load_catalog

        catalog = load_catalog(paths, max_bytes=args.max_bytes, cache=True)
        if tree_file is not None:
            # The file is loaded once, with the rest (it used to be read a second time
            # first, only to learn its tree id).
            tree_id = _tree_in(catalog, tree_file)
            if tree_id is None:
                for problem in catalog.problems:
                    if problem.path == str(tree_file):
                        echo(str(problem), err=True)
                return 1
        assert tree_id is not None
        if tree_id not in catalog.trees:
            broken = [p for p in catalog.problems if Path(p.path).stem == tree_id]
            for problem in broken:
                echo(str(problem), err=True)
            if broken:
                return 1
            known = sorted(catalog.trees)
            listing = ", ".join(known) if known else "none found"
            return _error(f"no tree {tree_id!r}{_suggest(tree_id, known)}; trees: {listing}")
        nodes = catalog.trees[tree_id].tree.nodes
        if args.at and args.at not in nodes:
            return _error(
                f"tree {tree_id!r} has no node {args.at!r}{_suggest(args.at, list(nodes))}"
            )
        refused = _check_before_walking(catalog, tree_id, args.at)
        if refused is not None:
            return refused
        notice = _broken_links_notice(catalog, tree_id, args.at)

    if catalog is not None:
        # The trees live as long as the app, which keeps them out of the cyclic
        # collector (`DectreeApp._loaded`); done now, the collections during the
        # imports before the first frame do not walk them (60 ms at 10,000 nodes).
        gc.freeze()
    from dectree.app.app import build_app

    last_listed = None
    if catalog is None:
        from dectree.model.listing import quick_listing

        # The home screen lists the trees known from the last load in its first frame.
        last_listed = quick_listing(paths, max_bytes=args.max_bytes)

    def load() -> Catalog:
        from dectree.model.catalog import load_catalog  # in the app's loading worker

        return load_catalog(paths, max_bytes=args.max_bytes, cache=True)

    def journal() -> list[Recorder]:
        """The journal hook, made when the first walk starts (not before the first frame)."""
        recorder = recorder_for(args, catalog=app.catalog)
        report_errors_in(recorder, app)
        return [recorder]

    app = build_app(
        catalog if catalog is not None else load,
        tree=tree_id,
        at=args.at,
        incident=args.incident,
        variables=dict(args.var),
        file_variables=files.plain,
        secret_variables=files.secret,
        notices=files.warnings,
        attach=journal,
        run_disabled=no_run,
        notice=notice,
        listing=last_listed,
    )
    result = app.run()
    if app.crash_report:
        echo(app.crash_report, err=True)
    return app.return_code or int(result or 0)  # 1 after an error nothing handled
