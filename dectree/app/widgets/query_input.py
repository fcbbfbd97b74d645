"""The search field's paste: a whole pasted log, on one line.

Textual's `Input` keeps only the first line of a paste, and the first line of a
stack trace is the least useful one ("Traceback (most recent call last):"); the
error is usually the last. Search reads whole text (whitespace is collapsed
before matching, as `dectree search -` reads stdin), so a paste keeps every line,
joined by spaces, with terminal colour codes and other control characters left
out: they are never part of an error message.
"""

from __future__ import annotations

import re

from textual import events
from textual.widgets import Input

# CSI and OSC sequences (colours copied from a terminal), then any other C0/C1 control.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
MAX_PASTE = 20_000
"""Characters of a paste kept (a page of log is plenty to search)."""


def one_line_paste(text: str) -> str:
    """A pasted text as one line of words: escapes and controls out, whitespace collapsed."""
    text = _CONTROLS.sub("", _ESCAPES.sub("", text[: MAX_PASTE * 2]))
    return " ".join(text.split())[:MAX_PASTE]


class QueryInput(Input):
    """An `Input` whose paste keeps every line (joined), for search queries."""

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # Input's own handler would add the first line again
        line = one_line_paste(event.text)
        if line:
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *selection)
        event.stop()
