"""Escaping of tree text for each output format: Markdown, Mermaid labels, DOT strings.

Tree text is untrusted: a title with quotes, brackets, pipes or backticks must
come out as those characters, never as syntax of the document around it. Each
function here returns text that is safe in exactly one place, named by the
function; the renderers put our own syntax around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark").enable("table")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 but tab/LF/CR, DEL, C1
_SPACE = re.compile(r"\s+")
# Line breaks other than LF: CRLF, a lone CR, NEL, and the Unicode line and paragraph
# separators. Text is split on "\n" only, so every other break becomes one first.
_BREAK = re.compile("\r\n?|[\x85\u2028\u2029]")
# Characters that could start Markdown inline syntax anywhere in a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~$])")
# A character reference such as &amp; or &#35; would be decoded; & alone is fine.
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What would open a block (heading, list, quote, rule, setext line) at a line start.
_MD_BLOCK_START = re.compile(r"^(#|[-+=](?=[\s=+-]|$)|\d+[.)](?=\s|$))")
_FENCE_CLOSE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")
_URL_SCHEMES = ("https://", "http://", "mailto:")


def lines_of(text: str) -> list[str]:
    """`text` split into lines on any line break, control characters dropped."""
    return _CONTROL.sub("", _BREAK.sub("\n", text)).split("\n")


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


_MD_ALWAYS = set("`*[]<|")
_ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def md_text(text: str) -> str:
    """Typed text (an answer, a note, a prompt) for a paragraph or table cell, on one line.

    As inert as `md_inline` but escaped only where a character could mean
    something: `_` inside a word, a lone `~` or `$`, `>` or `-` past the start
    of the line and a backslash before a letter are left as typed, so
    `procs_blocked`, `a -> b` and `~5 min` read as written.
    """
    text = one_line(text)
    out: list[str] = []
    tildes, dollars = text.count("~") > 1, text.count("$") > 1
    for i, char in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if char in _MD_ALWAYS:
            out.append("\\" + char)
        elif char == "\\":
            out.append("\\\\" if after in _ASCII_PUNCT else char)
        elif char == "_":
            out.append(char if before.isalnum() and after.isalnum() else "\\_")
        elif (char == "~" and tildes) or (char == "$" and dollars):
            out.append("\\" + char)
        else:
            out.append(char)
    text = _MD_ENTITY.sub("&amp;", "".join(out))
    text = _MD_BLOCK_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)
    if text.startswith(">"):
        text = "\\" + text
    return text[:-1] + "\\#" if text.endswith("#") and not text.endswith("\\#") else text


def md_cell(text: str) -> str:
    """Text for a cell of a GitHub Markdown table (pipes escaped, one line)."""
    return md_inline(text)


def md_code(text: str, *, in_table: bool = False) -> str:
    """An inline code span holding `text` literally, whatever backticks it contains.

    Runs of spaces are kept (an error string like `FATAL:  sorry` is quoted as it
    was); line breaks and tabs become spaces, since a code span is one line."""
    text = re.sub(r"\s", " ", _CONTROL.sub("", text)).strip()
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    span = f"{ticks}{pad}{text}{pad}{ticks}"
    # GitHub splits table cells on | even inside code spans unless it is escaped.
    return span.replace("|", "\\|") if in_table else span


def md_code_block(text: str, lang: str = "") -> list[str]:
    """A fenced code block holding `text` literally: the fence outlasts any run inside."""
    body = lines_of(text.rstrip("\n\r"))
    longest = max((len(run) for line in body for run in re.findall(r"`{3,}", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{lang}", *body, fence]


def md_block(text: str) -> list[str]:
    """Author-written Markdown (a Text field), kept as Markdown but kept in its place.

    The text is parsed with markdown-it (CommonMark, as GitHub parses blocks) and
    only what would reach outside it is changed: headings (ATX or setext) are
    escaped so they cannot start a section of the runbook, raw HTML blocks are
    shown as text, a fence left open is closed, and `<` outside code is escaped
    so `<unit>` shows instead of vanishing as an unknown HTML tag.
    """
    lines = [line.rstrip() for line in lines_of(text.rstrip())]
    while lines and not lines[0].strip():
        lines.pop(0)
    code: set[int] = set()
    for _ in range(8):  # each pass only removes structure, so this settles quickly
        tokens = _PARSER.parse("\n".join(lines))
        code = {i for t in tokens if t.type in ("fence", "code_block") and t.map
                for i in range(*t.map)}
        changed = False
        for t in tokens:
            if t.map is None:
                continue
            first, last = t.map[0], t.map[1] - 1
            if t.type == "heading_open":
                at = first if t.markup.startswith("#") else last
                lines[at] = _escape_first(lines[at], t.markup[0])
                changed = True
            elif t.type == "html_block":
                for i in range(first, last + 1):
                    lines[i] = lines[i].replace("<", "&lt;")
                changed = True
        if not changed:
            break
    fences = [t for t in tokens if t.type == "fence" and t.level == 0 and t.map]
    if fences and fences[-1].map and fences[-1].map[1] == len(lines):
        fence = fences[-1]
        assert fence.map is not None
        close = _FENCE_CLOSE.match(lines[-1])
        if fence.map[1] - fence.map[0] == 1 or not (
            close and close.group(1)[0] == fence.markup[0]
            and len(close.group(1)) >= len(fence.markup)
        ):
            lines.append(fence.markup)
    return [line if i in code else _outside_code(line, _lt) for i, line in enumerate(lines)]


def _escape_first(line: str, char: str) -> str:
    at = line.index(char)
    return line[:at] + "\\" + line[at:]


def _lt(part: str) -> str:
    return part.replace("<", "&lt;")


def md_quote(text: str) -> list[str]:
    """Author-written Markdown as a block quote (a container nothing escapes from)."""
    return [f"> {line}".rstrip() for line in md_block(text)]


def md_labelled(label: str, text: str, indent: str = "") -> list[str]:
    """`label` followed by author Markdown, as one paragraph when the text starts with one.

    Continuation lines are indented by `indent`, for text inside a list item. The
    label and the indented text are contained together, as they will be read.
    """
    text = "\n".join(lines_of(text))
    body = text.strip("\n").rstrip().split("\n")
    if not "".join(body).strip():
        return [label.rstrip()]
    tokens = _PARSER.parse(text)
    if tokens and tokens[0].type == "paragraph_open":
        head, rest = [label + body[0].lstrip()], body[1:]
    else:
        # A bare list marker followed by a blank line would end its (empty) list item.
        gap = [] if re.fullmatch(r"\d+[.)]|[-*+]", label.strip()) else [""]
        head, rest = [label.rstrip(), *gap], body
    return md_block("\n".join(head + [f"{indent}{line}" if line.strip() else ""
                                      for line in rest]))


def md_cell_text(text: str) -> str:
    """Author Markdown squeezed into one table cell: one line, pipes and HTML escaped."""
    flat = one_line(text)
    flat = _outside_code(flat, _lt)
    return flat.replace("|", "\\|")


def _outside_code(line: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the parts of a line that are not inside code spans."""
    out: list[str] = []
    pos = 0
    for span in _CODE_SPAN.finditer(line):
        out.append(change(line[pos:span.start()]))
        out.append(span.group(0))
        pos = span.end()
    out.append(change(line[pos:]))
    return "".join(out)


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
    """A double-quoted DOT string; backslashes and quotes escaped, `\\n` for line breaks.

    Graphviz decodes HTML entities such as `&amp;` in labels, so `&` is escaped too.
    """
    text = _CONTROL.sub("", text)
    lines = [one_line(part) for part in text.split("\n")] if multiline else [one_line(text)]
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
               for line in lines]
    return '"' + "\\n".join(escaped) + '"'


def dot_comment(text: str) -> str:
    """A `//` comment line."""
    return "// " + one_line(text)
