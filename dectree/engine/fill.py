r"""Filling `{name}` placeholders in commands and texts with variable values.

In commands, values are quoted for the shell context the placeholder stands in:
outside quotes with `shlex.quote`, inside '...' by splicing `'\''` for each
quote, inside "..." by escaping `\ " $ \``. Either way a value with spaces,
quotes or `$(...)` stays inert text, and authors may write `'{name}'` or
`"{name}"` in a command. In prose values go in as they are. A variable without
a value stays visible as `{name}`. The result keeps the pieces apart (`Segment`), so the app can style
placeholders and hide secrets, and a journal can write the `redacted` form.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from dectree.model.tree import PLACEHOLDER_RE, unescape


@dataclass(frozen=True)
class Segment:
    """A piece of a filled command: literal text, or one filled placeholder."""

    text: str
    variable: str | None = None
    secret: bool = False
    missing: bool = False

    @property
    def shown(self) -> str:
        """The segment with a secret value replaced by its placeholder."""
        if self.variable is not None and self.secret and not self.missing:
            return "{" + self.variable + "}"
        return self.text


@dataclass(frozen=True)
class FilledCommand:
    """A command template with its placeholders filled."""

    template: str
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        """The command to run, secret values included."""
        return "".join(s.text for s in self.segments)

    @property
    def redacted(self) -> str:
        """The command with secret values left as `{name}`: safe to write down."""
        return "".join(s.shown for s in self.segments)

    @property
    def missing(self) -> tuple[str, ...]:
        """Placeholders that had no value, in order, without repeats."""
        return tuple(dict.fromkeys(s.variable for s in self.segments if s.missing and s.variable))

    @property
    def secrets(self) -> tuple[str, ...]:
        """Secret variables whose values were filled in."""
        return tuple(
            dict.fromkeys(
                s.variable for s in self.segments if s.secret and not s.missing and s.variable
            )
        )

    @property
    def complete(self) -> bool:
        """Whether every placeholder had a value."""
        return not self.missing


OUTSIDE, SINGLE, DOUBLE = "outside", "single", "double"


def _advance(text: str, state: str) -> str:
    """The POSIX shell quoting state after reading `text` in `state`."""
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif state == SINGLE:
            if char == "'":
                state = OUTSIDE
        elif char == "\\":
            escaped = True
        elif state == DOUBLE:
            if char == '"':
                state = OUTSIDE
        elif char == "'":
            state = SINGLE
        elif char == '"':
            state = DOUBLE
    return state


def quote_for(value: str, state: str) -> str:
    """`value` as inert text in a command at quoting `state`."""
    if state == SINGLE:
        return value.replace("'", "'\\''")
    if state == DOUBLE:
        return "".join("\\" + c if c in '\\"$`' else c for c in value)
    return shlex.quote(value)


def fill(
    template: str,
    values: Mapping[str, str],
    is_secret: Callable[[str], bool] = lambda _name: False,
    *,
    shell: bool = True,
) -> FilledCommand:
    """Fill `template`'s placeholders from `values`.

    With `shell` (for commands) each value is shell-quoted; without it (for prose
    such as what to look for or how to verify) values go in as they are.
    """
    segments: list[Segment] = []
    pos = 0
    state = OUTSIDE
    for match in PLACEHOLDER_RE.finditer(template):
        if match.start() > pos:
            segments.append(Segment(unescape(template[pos : match.start()])))
            state = _advance(template[pos : match.start()], state)
        name = match.group(1)
        secret = is_secret(name)
        if name in values:
            value = quote_for(values[name], state) if shell else values[name]
            segments.append(Segment(value, variable=name, secret=secret))
        else:
            segments.append(Segment(match.group(0), variable=name, secret=secret, missing=True))
        pos = match.end()
    if pos < len(template):
        segments.append(Segment(unescape(template[pos:])))
    return FilledCommand(template=template, segments=tuple(segments))
