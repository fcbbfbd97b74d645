"""Escaping of tree text for each output format: Markdown, Mermaid labels, DOT strings.

Tree text is untrusted: a title with quotes, brackets, pipes or backticks must
come out as those characters, never as syntax of the document around it. Each
function here returns text that is safe in exactly one place, named by the
function; the renderers put our own syntax around it.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
# Characters that could start Markdown inline syntax anywhere in a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~$])")
# A character reference such as &amp; or &#35; would be decoded; & alone is fine.
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What would open a block (heading, list, quote, rule, setext line) at a line start.
_MD_BLOCK_START = re.compile(r"^(#|[-+=](?=[\s=+-]|$)|\d+[.)](?=\s|$))")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_URL_SCHEMES = ("https://", "http://", "mailto:")


def one_line(text: str) -> str:
    """Text with control characters dropped and all whitespace runs as one space."""
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


def shorten(text: str, limit: int) -> str:
    """One-line text cut at a word boundary to at most `limit` characters."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,.;:") + "…"


# --- Markdown -----------------------------------------------------------------


def md_inline(text: str) -> str:
    """Text for a Markdown paragraph, heading or list item, on one line."""
    text = _MD_ENTITY.sub("&amp;", _MD_INLINE.sub(r"\\\1", one_line(text)))
    text = _MD_BLOCK_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)
    # A trailing # would be read as the closing sequence of a heading.
    return text[:-1] + "\\#" if text.endswith("#") and not text.endswith("\\#") else text


def md_cell(text: str) -> str:
    """Text for a cell of a GitHub Markdown table (pipes escaped, one line)."""
    return md_inline(text)


def md_code(text: str, *, in_table: bool = False) -> str:
    """An inline code span holding `text` literally, whatever backticks it contains."""
    text = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    span = f"{ticks}{pad}{text}{pad}{ticks}"
    # GitHub splits table cells on | even inside code spans unless it is escaped.
    return span.replace("|", "\\|") if in_table else span


def md_code_block(text: str, lang: str = "") -> list[str]:
    """A fenced code block holding `text` literally: the fence outlasts any run inside."""
    body = _CONTROL.sub("", text).rstrip("\n").split("\n")
    longest = max((len(run) for line in body for run in re.findall(r"`{3,}", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{lang}", *body, fence]


def md_quote(text: str) -> list[str]:
    """Author-written Markdown shown as a block quote.

    The quote is a container: a fence the author left open, a heading or an HTML
    block inside it ends with the quote and cannot swallow the runbook after it.
    Raw HTML is neutralised; the rest stays Markdown, as the format documents.
    """
    lines: list[str] = []
    open_fence = ""
    for line in _CONTROL.sub("", text).rstrip().split("\n"):
        match = _FENCE.match(line)
        if match:
            mark = match.group(1)
            if not open_fence:
                open_fence = mark
            elif mark[0] == open_fence[0] and len(mark) >= len(open_fence):
                open_fence = ""
        elif not open_fence:
            line = line.replace("<", "&lt;")
        lines.append(f"> {line}".rstrip())
    if open_fence:
        lines.append(f"> {open_fence}")
    return lines


def md_link(text: str, url: str) -> str:
    """A Markdown link to `url` if it is a web or mail address; otherwise text and code."""
    if not url.strip().lower().startswith(_URL_SCHEMES):
        return f"{md_inline(text)} ({md_code(url)})"
    safe = one_line(url)
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"),
                       (">", "%3E"), ("|", "%7C"), ("`", "%60")):
        safe = safe.replace(char, code)
    return f"[{md_inline(text)}]({safe})"


# --- Mermaid ------------------------------------------------------------------

# Mermaid decodes #name; and #123; in labels. Escaping # first keeps a label's
# own "#quot;" literal; the rest would end the quoted label, start a Markdown
# string (backtick), split an edge label (pipe) or become HTML.
_MERMAID = {"#": "#35;", '"': "#quot;", "`": "#96;", "|": "#124;",
            "<": "#lt;", ">": "#gt;", "&": "#amp;"}
_MERMAID_RE = re.compile("|".join(re.escape(c) for c in _MERMAID))


def mermaid_text(text: str) -> str:
    """Text for inside a double-quoted Mermaid node or edge label."""
    return _MERMAID_RE.sub(lambda m: _MERMAID[m.group(0)], one_line(text))


def mermaid_comment(text: str) -> str:
    """A `%%` comment line; one line, and never a `%%{...}%%` directive."""
    return "%% " + one_line(text).replace("{", "(").replace("}", ")")


# --- Graphviz DOT ---------------------------------------------------------------


def dot_string(text: str, *, multiline: bool = False) -> str:
    """A double-quoted DOT string; backslashes and quotes escaped, `\\n` for line breaks."""
    text = _CONTROL.sub("", text)
    lines = [one_line(part) for part in text.split("\n")] if multiline else [one_line(text)]
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in lines]
    return '"' + "\\n".join(escaped) + '"'


def dot_comment(text: str) -> str:
    """A `//` comment line."""
    return "// " + one_line(text)
