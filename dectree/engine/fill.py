r"""Filling `{name}` placeholders in commands and texts with variable values.

In commands, values are quoted for every shell that will parse them
(`shellctx`): outside quotes with `shlex.quote`, inside '...' by splicing
`'\''` for each quote, inside "..." by escaping `\ " $ \``, once per layer
(`ssh HOST "sudo sh -c '... {name}'"` quotes three times). A value with spaces,
quotes or `$(...)` stays inert text, and authors may write `'{name}'` or
`"{name}"` in a command. Where no quoting can keep a value inert (backticks, a
comment, a here-document, the program name, a command the parser cannot read)
the filler refuses: the placeholder stays `{name}` and `refused` says why. In
prose values go in as they are. A variable without a value stays visible as
`{name}`. The result keeps the pieces apart (`Segment`), so the app can style
placeholders and hide secrets, and a journal can write the `redacted` form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from dectree.engine.shellctx import Context, contexts, quote_through
from dectree.model.tree import PLACEHOLDER_RE, unescape


@dataclass(frozen=True)
class Segment:
    """A piece of a filled command: literal text, or one filled placeholder."""

    text: str
    variable: str | None = None
    secret: bool = False
    missing: bool = False
    refused: str | None = None
    """Why the value was not filled in (it could not be made safe there)."""

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
    def refused(self) -> tuple[tuple[str, str], ...]:
        """(name, why) of each placeholder whose value could not be made safe."""
        seen: dict[str, str] = {}
        for s in self.segments:
            if s.variable and s.refused:
                seen.setdefault(s.variable, s.refused)
        return tuple(seen.items())

    @property
    def complete(self) -> bool:
        """Whether every placeholder had a value and every value could be filled in."""
        return not self.missing and not self.refused


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
    matches = list(PLACEHOLDER_RE.finditer(template))
    # The shell analysis (a bash parser whose import alone builds its tables, about
    # 0.3 s) is needed only where a value goes into a command: a command shown with
    # its placeholders unfilled is shown as written.
    wanted = shell and any(m.group(1) in values for m in matches)
    places = contexts(template) if wanted else ()
    for index, match in enumerate(matches):
        if match.start() > pos:
            segments.append(Segment(unescape(template[pos : match.start()])))
        name = match.group(1)
        secret = is_secret(name)
        if name in values and shell:
            why = _refusal(values[name], places[index])
            if why is None:
                value = quote_through(values[name], places[index].layers)
                segments.append(Segment(value, variable=name, secret=secret))
            else:
                segments.append(
                    Segment(match.group(0), variable=name, secret=secret, refused=why)
                )
        elif name in values:
            segments.append(Segment(values[name], variable=name, secret=secret))
        else:
            segments.append(Segment(match.group(0), variable=name, secret=secret, missing=True))
        pos = match.end()
    if pos < len(template):
        segments.append(Segment(unescape(template[pos:])))
    return FilledCommand(template=template, segments=tuple(segments))


def _refusal(value: str, place: Context) -> str | None:
    """Why `value` cannot go where `place` is, or None when it can."""
    if place.reason is not None:
        return place.reason
    if "\x00" in value:
        return "the value holds a NUL byte, which no command argument can carry"
    if place.option_position and value.startswith("-"):
        return "the value starts with '-' and would be read as an option"
    return None
