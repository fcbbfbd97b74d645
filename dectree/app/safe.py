"""Untrusted text made safe to show: never markup, never terminal control codes.

Everything that comes from a tree file, a variable or a note goes through these
helpers before it reaches a widget. `plain` gives a Textual `Content` (which is
never parsed as markup), `rich_text` a Rich `Text` for widgets that want one
(tree labels), and `clean` the bare string for widgets that take text as data
(Markdown source, Input values). Control characters such as ESC would let a
tree file drive the terminal, and bidi overrides and zero-width characters would
make text read other than it is, so they are replaced with visible symbols (the
test of what is unsafe is `dectree.text.plain`'s, shared with the commands).
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content

from dectree.text.plain import escape_char, unsafe_chars


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC
    if code <= 0x9F:
        return "\N{REPLACEMENT CHARACTER}"  # DEL and the C1 controls
    return f"⟨{escape_char(char)}⟩"  # bidi, zero-width, separators: ⟨\u202e⟩


def clean(text: str) -> str:
    """`text` with terminal control, bidi and zero-width characters replaced by visible
    symbols (newlines and tabs kept)."""
    return unsafe_chars(text, _visible)


def one_line(text: str, limit: int | None = None) -> str:
    """`clean(text)` on one line, whitespace collapsed, cut to `limit` with an ellipsis."""
    flat = " ".join(clean(text).split())
    if limit is not None and len(flat) > limit:
        return flat[: max(limit - 1, 0)] + "…"
    return flat


_LIST_ITEM_RE = re.compile(r"^\s*([-*•]|\d+[.)])\s")


def prose(text: str) -> str:
    """`clean(text)` reflowed: lines of a paragraph joined, blank lines and list items kept.

    Tree authors write long fields as YAML block scalars, whose line breaks are
    for the editor, not the reader; the widget wraps to its own width.
    """
    paragraphs = re.split(r"\n\s*\n", clean(text).strip())
    out = []
    for paragraph in paragraphs:
        lines: list[str] = []
        for line in paragraph.splitlines():
            if lines and not _LIST_ITEM_RE.match(line):
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                lines.append(line.rstrip())
        out.append("\n".join(lines))
    return "\n\n".join(out)


def plain(text: str, style: str = "") -> Content:
    """Untrusted text as literal `Content`, optionally styled as a whole."""
    return Content.styled(clean(text), style) if style else Content(clean(text))


def rich_text(text: str, style: str = "") -> Text:
    """Untrusted text as a literal Rich `Text`."""
    return Text(clean(text), style=style)


_CODE_SPAN = re.compile(r"`([^`\n]+)`")
CODE_STYLE = "$text-accent"


def paragraph(text: str, style: str = "") -> Content:
    """Untrusted prose (a prompt, a root cause) reflowed and as literal `Content`;
    `code spans` drop their backticks and are drawn as code, as in a node's detail."""
    flat = prose(text)
    if "`" not in flat:
        return plain(flat, style)
    parts: list[Content] = []
    at = 0
    for match in _CODE_SPAN.finditer(flat):
        parts.append(Content(flat[at : match.start()]))
        parts.append(Content.styled(match[1], CODE_STYLE))
        at = match.end()
    parts.append(Content(flat[at:]))
    joined = Content("").join(parts)
    return joined.stylize_before(style) if style else joined
