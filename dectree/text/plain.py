"""Plain text for terminal output and documents: durations, UTC times, untrusted text on one line.

Light on purpose (no pydantic, no rendering packages): `dectree sessions` and
`dectree stats` import it on their fast path.
"""

from __future__ import annotations

import datetime as dt
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")
_SPACE = re.compile(r"\s+")


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


def format_time(moment: dt.datetime) -> str:
    """`2026-03-01 12:00:05 UTC`."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def terminal_line(text: str, limit: int | None = None) -> str:
    """Untrusted text safe to print: control characters (escape sequences) dropped, one line,
    cut to `limit` characters with an ellipsis."""
    text = _SPACE.sub(" ", _CONTROL.sub("", text)).strip()
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
