"""Splitting a session journal into JSON objects, fast, tolerating a torn last line.

`read_lines` is what `dectree stats` runs over thousands of journals, so it uses
plain `json.loads` (the whole file in one call when every line is complete) and
imports no pydantic. A last line without its newline that does not parse is a
write torn by a crash: it is dropped and reported (`torn_line`), never an
error. Any other bad line (not JSON, not an object, nested too deep, a lone
surrogate) is kept aside in `bad_lines` with why, and every good line is kept:
one damaged line never hides a session. A journal whose header cannot be read
is unreadable: `JournalError`, shown as `path:line: message`. `dectree.records.reader` checks the objects against the
models.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dectree.source.files import read_regular
from dectree.text.plain import clean


class JournalError(Exception):
    """A journal that cannot be read: where, and why."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        # The message quotes the file (keys, values): shown cleaned wherever it is printed.
        super().__init__(clean(f"{path}:{line}: {message}"))
        self.path, self.line, self.message = path, line, message


MAX_NESTING = 32
MAX_BYTES = 1 << 30  # a journal is read whole; a larger file is not one dectree wrote
"""Arrays and objects deeper than this on one line are refused before parsing (journal
lines nest 4 deep; 100,000 nested `[` would exhaust the parser's recursion)."""

# A JSON escape of a UTF-16 surrogate: valid in pairs (json.loads joins them), but a
# lone one decodes to a string that cannot be written as UTF-8.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


@dataclass
class RawJournal:
    """A journal's lines as parsed JSON objects, each with its 1-based line number.

    `bad_lines` are lines that could not be read (not JSON, not an object, nested too
    deep, not Unicode text), each with why: they are skipped, everything else is kept.
    """

    path: Path
    lines: list[tuple[int, dict[str, Any]]]
    torn_line: int | None = None
    clean_size: int = 0
    ends_with_newline: bool = True
    bad_lines: list[tuple[int, str]] = field(default_factory=list)


def nesting_depth(chunk: bytes, limit: int = MAX_NESTING) -> int:
    """How deep arrays and objects nest in a JSON text, counting no further than `limit + 1`
    (brackets inside strings do not count)."""
    if chunk.count(b"[") + chunk.count(b"{") <= limit:
        return 0  # cannot be deeper than the limit: the common case, in C
    depth = deepest = 0
    in_string = escaped = False
    for byte in chunk:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def _problem(chunk: bytes) -> str | None:
    """Why a line cannot be parsed safely, checked before `json.loads`; None if it can."""
    if nesting_depth(chunk) > MAX_NESTING:
        return f"nested deeper than {MAX_NESTING} levels"
    return None


def _not_unicode(obj: Any) -> bool:
    """Whether a parsed object holds a lone surrogate (it could not be written as UTF-8)."""
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_lines(path: Path) -> RawJournal:
    """Parse every line with `json.loads`; tolerate a torn last line; keep bad lines aside."""
    try:
        data = read_regular(path, MAX_BYTES)  # a FIFO or a device would hang a plain read
    except OSError as exc:
        raise JournalError(path, 0, exc.strerror or str(exc)) from None
    if data.endswith(b"\n") and not _SURROGATE_ESCAPE.search(data):
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
        why = _problem(chunk)
        obj: Any = None
        if why is None:
            try:
                obj = json.loads(chunk)
            except ValueError as exc:
                why = "empty line" if not chunk.strip() else f"not JSON: {exc}"
            except RecursionError:
                why = f"nested deeper than {MAX_NESTING} levels"
        if why is not None and last and tail:
            # A last line without its newline that does not parse: a write torn by a crash.
            raw.torn_line, raw.clean_size, raw.ends_with_newline = number, offset, True
            break
        offset += len(chunk) + 1
        if why is None and not isinstance(obj, dict):
            why = "not a JSON object"
        if why is None and _SURROGATE_ESCAPE.search(chunk) and _not_unicode(obj):
            why = "text that is not Unicode (a lone surrogate escape such as \\ud800)"
        if why is not None:
            if number == 1:
                raise JournalError(path, number, why)  # no header: nothing to go on
            raw.bad_lines.append((number, why))
            continue
        raw.lines.append((number, obj))
    if not raw.lines:
        what = "incomplete header (interrupted as it started)" if raw.torn_line else "empty"
        raise JournalError(path, 1, f"{what}: no session recorded")
    return raw


def _parse_all(data: bytes) -> list[dict[str, Any]] | None:
    """Every line in one `json.loads` call (the common case, fast); None if any is bad."""
    try:
        text = data.decode("utf-8")
        objs: list[dict[str, Any]] = json.loads("[" + ",".join(text[:-1].split("\n")) + "]")
    except (ValueError, RecursionError):
        return None
    lines = text.count("\n")
    if len(objs) != lines or not all(isinstance(obj, dict) for obj in objs):
        return None  # two objects on one line, or a line that is not an object
    return objs
