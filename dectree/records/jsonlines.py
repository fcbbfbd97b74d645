"""Splitting a session journal into JSON objects, fast, tolerating a torn last line.

`read_lines` is what `dectree stats` runs over thousands of journals, so it uses
plain `json.loads` (the whole file in one call when every line is complete) and
imports no pydantic. A last line without its newline that does not parse is a
write torn by a crash: it is dropped and reported (`torn_line`), never an
error. Any other bad line makes the journal corrupt: `JournalError`, shown as
`path:line: message`. `dectree.records.reader` checks the objects against the
models.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class JournalError(Exception):
    """A journal that cannot be read: where, and why."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass
class RawJournal:
    """A journal's lines as parsed JSON objects, each with its 1-based line number."""

    path: Path
    lines: list[tuple[int, dict[str, Any]]]
    torn_line: int | None = None
    clean_size: int = 0
    ends_with_newline: bool = True


def read_lines(path: Path) -> RawJournal:
    """Parse every line with `json.loads`; tolerate a torn last line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise JournalError(path, 0, exc.strerror or str(exc)) from None
    if data.endswith(b"\n"):
        fast = _parse_all(data)
        if fast is not None:
            return RawJournal(path, list(enumerate(fast, start=1)), clean_size=len(data))
    chunks = data.split(b"\n")
    tail = chunks.pop()  # b"" when the file ends with a newline
    raw = RawJournal(path, [], clean_size=len(data), ends_with_newline=not tail)
    if tail:
        chunks.append(tail)
    offset = 0
    for number, chunk in enumerate(chunks, start=1):
        last = number == len(chunks)
        try:
            obj = json.loads(chunk)
        except ValueError as exc:
            if last and tail:
                raw.torn_line, raw.clean_size, raw.ends_with_newline = number, offset, True
                break
            if not chunk.strip():
                raise JournalError(path, number, "empty line") from None
            raise JournalError(path, number, f"not JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise JournalError(path, number, "not a JSON object")
        raw.lines.append((number, obj))
        offset += len(chunk) + 1
    if not raw.lines:
        what = "incomplete header (interrupted as it started)" if raw.torn_line else "empty"
        raise JournalError(path, 1, f"{what}: no session recorded")
    return raw


def _parse_all(data: bytes) -> list[dict[str, Any]] | None:
    """Every line in one `json.loads` call (the common case, fast); None if any is bad."""
    try:
        text = data.decode("utf-8")
        objs: list[dict[str, Any]] = json.loads("[" + ",".join(text[:-1].split("\n")) + "]")
    except ValueError:
        return None
    lines = text.count("\n")
    if len(objs) != lines or not all(isinstance(obj, dict) for obj in objs):
        return None  # two objects on one line, or a line that is not an object
    return objs
