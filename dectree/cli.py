"""The `dectree` command line: parse arguments and hand off to one command module.

Each subcommand lives in `dectree/commands/<name>.py` with `configure(parser)`
and `run(args) -> int`. Command modules keep heavy imports (textual above all)
inside `run`, so `dectree validate` never loads the UI.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from dectree import __version__

# name -> one-line help. Order is the order shown in --help.
COMMANDS: dict[str, str] = {
    "run": "walk a tree in the app (the default with no command opens the home screen)",
    "validate": "check trees and print problems like a compiler",
    "test": "run each tree's scenario tests",
    "list": "list the trees found",
    "schema": "print the JSON Schema of the tree (or transcript) format",
    "resume": "reopen a recorded session where it stood",
    "export": "export a session as a Markdown or JSON transcript",
    "sessions": "list recorded sessions",
    "stats": "operations statistics from recorded sessions",
    "render": "render trees as runbooks (Markdown), Mermaid or Graphviz DOT",
    "new": "write a new tree skeleton",
}

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """argparse with our exit code for usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"dectree.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"dectree.commands.{name}":
            return None
        raise


def build_parser() -> tuple[Parser, dict[str, ModuleType]]:
    """The full parser, and the command modules that exist."""
    parser = Parser(
        prog="dectree",
        description="Interactive troubleshooting decision trees for the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"dectree {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    modules: dict[str, ModuleType] = {}
    for name, help_text in COMMANDS.items():
        module = _module(name)
        if module is None:
            continue
        modules[name] = module
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        module.configure(cmd)
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `dectree` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    command = args.command
    if command is None:
        # No command: open the app on the home screen, or until the app
        # exists, validate the trees that would be shown.
        command = "run" if "run" in modules else "validate"
        args = parser.parse_args([command])
    try:
        return int(modules[command].run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
