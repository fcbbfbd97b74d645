"""Writing to the terminal: every line a command prints goes through `dectree.text.plain.clean`.

Text a command prints is built from files (tree titles and ids, scenario names,
journal fields, file names): a byte sequence in any of them could set the
window title, write the clipboard or clear the screen. `echo` cleans what it
prints (line breaks kept, every other control, bidi and zero-width character
shown as an escape); `write_json` writes `--format json` output with those
characters as JSON escapes (the same data); `document` writes a whole document (a runbook, a
transcript) unchanged to a file or pipe and cleaned to a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from dectree.text.plain import clean, json_safe


def echo(text: str = "", *, err: bool = False) -> None:
    """Print `text` and a newline to stdout (stderr with `err`), cleaned for a terminal."""
    stream = sys.stderr if err else sys.stdout
    stream.write(clean(text, newlines=True) + "\n")


def document(text: str, stream: TextIO | None = None) -> None:
    """Write a document as it is to a file or pipe; cleaned (line breaks kept) to a terminal."""
    out = stream or sys.stdout
    isatty = getattr(out, "isatty", None)
    out.write(clean(text, newlines=True) if isatty is not None and isatty() else text)


def write_json(data: Any, *, ensure_ascii: bool = True, stream: TextIO | None = None) -> None:
    """`data` as indented JSON and a newline, every unsafe character written as `\\uXXXX`."""
    text = json.dumps(data, indent=2, ensure_ascii=ensure_ascii)
    (stream or sys.stdout).write(json_safe(text) + "\n")


def text_arg(value: str) -> str:
    """argparse type for text that is recorded (incident, engineer, variables): it must be
    UTF-8. Python keeps undecodable argument bytes as lone surrogates, which no journal
    line can hold; they are a usage error (exit 2), never a half-written journal."""
    bad = next((c for c in value if "\udc80" <= c <= "\udcff"), None)
    if bad is not None:
        raise argparse.ArgumentTypeError(
            f"not UTF-8 text: byte 0x{ord(bad) - 0xDC00:02x} in {clean(value)!r} "
            "(is the terminal set to UTF-8?)"
        )
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise argparse.ArgumentTypeError(f"not Unicode text: {clean(value)!r}")
    return value
