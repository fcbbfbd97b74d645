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
    "search": "find where to start from an error message or a description",
    "schema": "print the JSON Schema of the tree (or transcript) format",
    "resume": "reopen a recorded session where it stood",
    "export": "export a session as a Markdown or JSON transcript",
    "sessions": "list recorded sessions",
    "stats": "operations statistics from recorded sessions",
    "render": "render trees as runbooks (Markdown), Mermaid or Graphviz DOT",
    "new": "write a new tree skeleton",
    "mcp": "serve the trees to AI assistants over the Model Context Protocol",
}

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """argparse with our exit code for usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser(only: str | None = None) -> Parser:
    """The parser; with `only`, just that command's module is imported and configured.

    Every command is listed either way, so `--help` and unknown-command errors
    read the same; importing one module instead of eleven keeps start-up close
    to Python's own.
    """
    parser = Parser(
        prog="dectree",
        description="Interactive troubleshooting decision trees for the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"dectree {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, help_text in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        if only is None or name == only:
            command_module(name).configure(cmd)
    return parser


def command_module(name: str) -> ModuleType:
    """The module that implements command `name`."""
    return importlib.import_module(f"dectree.commands.{name}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `dectree` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        argv = ["run"]  # no command: the app's home screen
    chosen = argv[0] if argv[0] in COMMANDS else None
    args = build_parser(chosen).parse_args(argv)
    try:
        return int(command_module(args.command).run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
