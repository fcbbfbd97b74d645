"""Plain text for terminal output and documents: durations, UTC times, untrusted text.

`clean` is the one function every string read from a file (a tree, a journal, a
file name) goes through before it is written to a terminal: C0 and C1 controls
(ESC above all: OSC 0 sets the window title, OSC 52 writes the clipboard, CSI 2J
clears the screen), bidi overrides, zero-width and other invisible format
characters, line and paragraph separators and lone surrogates are shown as
escapes (`\x1b`, `\u202e`), never passed through. The app uses the same test of
what is unsafe (`unsafe_chars`) with its own symbols.

Light on purpose (no pydantic, no rendering packages): `dectree sessions` and
`dectree stats` import it on their fast path.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

# Control (Cc), format (Cf: bidi controls, zero-width characters, BOM, soft hyphen),
# surrogate (Cs) and line/paragraph separator (Zl, Zp) characters: invisible or
# terminal-driving, never printed as they are.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Candidates: anything but printable ASCII, tab and newline (checked by category).
_CANDIDATE = re.compile(r"[^\t\n\x20-\x7e]")
_CANDIDATE_NO_NEWLINE = re.compile(r"[^\t\x20-\x7e]")
_SPACE = re.compile(r"\s+")


def escape_char(char: str) -> str:
    """A character as a visible escape: `\x1b`, `\u202e`, `\U000e0001`."""
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def is_unsafe(char: str) -> bool:
    """Whether `char` must not reach a terminal as it is."""
    return unicodedata.category(char) in UNSAFE_CATEGORIES


def unsafe_chars(
    text: str, show: Callable[[str], str], *, newlines: bool = True
) -> str:
    """`text` with every unsafe character replaced by `show(char)` (tab always kept;
    newline kept when `newlines`)."""
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to look at
    pattern = _CANDIDATE if newlines else _CANDIDATE_NO_NEWLINE

    def replace(match: re.Match[str]) -> str:
        char = match.group(0)
        return show(char) if is_unsafe(char) else char

    return pattern.sub(replace, text)


def clean(text: str, *, newlines: bool = False) -> str:
    """Untrusted text safe to print on a terminal: every control, format and separator
    character shown as an escape (`\x1b`, `\u202e`). Newlines are shown as `\n` unless
    `newlines` is true (for multi-line output); tabs are kept."""
    return unsafe_chars(text, escape_char, newlines=newlines)


def json_char(char: str) -> str:
    """A character as a JSON string escape: `\u009b`, `\ud83d\ude00` past the BMP."""
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_safe(text: str) -> str:
    """JSON text with every unsafe character (C1 controls, bidi and other format
    characters, separators, lone surrogates) written as a `\\uXXXX` escape.

    Outside strings JSON text is ASCII, so every such character is inside a
    string, where the escape stands for the same character: the same data,
    inert on a terminal. (`json.dumps` escapes C0 controls itself, but with
    `ensure_ascii=False` passes U+009B CSI and U+202E through.)
    """
    return unsafe_chars(text, json_char, newlines=True)


def format_duration(seconds: float) -> str:
    """`45 s`, `3 min 05 s`, `2 h 07 min`."""
    total = max(int(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02} min"
    if minutes:
        return f"{minutes} min {secs:02} s"
    return f"{secs} s"


EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.timezone.utc)


def check_moment(moment: dt.datetime) -> dt.datetime:
    """A recorded time as dectree uses it: with a time zone, from 1970 to 9000 (UTC).

    Raises ValueError otherwise: a time without a zone cannot be compared with
    one that has it, and near year 1 or 9999 turning it to UTC overflows. A
    journal's time is read through this, so nothing later meets either.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time {moment.isoformat()} has no time zone (UTC is written Z)")
    if not EARLIEST <= moment <= LATEST:
        raise ValueError(f"time {moment.isoformat()} is not between 1970 and 9000")
    return moment


def format_time(moment: dt.datetime) -> str:
    """`2026-03-01 12:00:05 UTC`."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def terminal_line(text: str, limit: int | None = None) -> str:
    """Untrusted text safe to print on one line: whitespace runs (line breaks included)
    made one space, the rest `clean`, cut to `limit` characters with an ellipsis."""
    text = clean(_SPACE.sub(" ", text).strip())
    if limit is not None and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text


_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def visible_controls(text: str) -> str:
    """Command output shown, not interpreted: control and direction characters as `\\xNN`/`\\uNNNN`.

    Newlines and tabs stay; an escape sequence shows as `\\x1b[2J` instead of
    clearing a screen, a carriage return as `\\x0d` instead of overwriting.
    """

    def show(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _INVISIBLE.sub(show, text)
