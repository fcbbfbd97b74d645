"""A node's `detail`: tree-authored Markdown drawn as one widget.

Textual's `Markdown` widget mounts a widget per block (a paragraph is one, a
list item four, a table a dozen) and lays each out; that was most of a step's
cost. Here the Markdown is parsed once (markdown-it, the parser Textual uses)
into a few plain blocks whose inline text is `Content`, never markup, and
drawn by one `Visual` that wraps the blocks to the width it is given, with
hanging indents for list items and a grid for tables. A new step swaps the
visual of the one `Static` inside; nothing is mounted.

Parsed blocks are kept per text (`blocks`), and the node view prepares the
next nodes' details while the engineer reads (`prepare`), so a step usually
only wraps text it has already parsed.

Links are drawn with the address after their text and a click posts
`Markdown.LinkClicked`, which the walk screen handles by copying the address:
they are never followed. `TreeMarkdown` stays a `Markdown` so that contract
(and `#node Markdown` in the app's stylesheet and tests) holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from textual.await_complete import AwaitComplete
from textual.content import Content, Span
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Markdown, Static

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from textual.app import ComposeResult
    from textual.css.styles import RulesMap
    from textual.strip import Strip

CODE_INLINE = ".detail--code"  # styled per theme in `DetailBody`'s CSS, as Textual's Markdown does
CODE_BLOCK = ".detail--fence"
MUTED = "$text-muted"
BULLETS = ("• ", "▪ ", "‣ ", "◦ ")
HEADING = {1: "bold underline $text-primary", 2: "bold $text-primary"}
EMPHASIS = {"em_open": "italic", "strong_open": "bold", "s_open": "strike"}
PARSED_KEPT = 512  # parsed details kept (a step's, the next ones', the recent ones)


@cache
def parser() -> MarkdownIt:
    """The one Markdown parser ("gfm-like", as Textual's widget): building one costs ~2 ms."""
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like")


# -- blocks ------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    content: Content
    style: str = ""


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class ListBlock:
    markers: tuple[str, ...]
    items: tuple[tuple[Block, ...], ...]
    tight: bool


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[Content, ...]
    rows: tuple[tuple[Content, ...], ...]


Block: TypeAlias = Paragraph | Code | Rule | ListBlock | Quote | Table


@lru_cache(maxsize=PARSED_KEPT)
def blocks(text: str) -> tuple[Block, ...]:
    """`text` (already cleaned of control characters) parsed into blocks."""
    tokens = parser().parse(text)
    found, _ = _blocks(tokens, 0, None, depth=0)
    return tuple(found)


def _blocks(
    tokens: Sequence[Token], i: int, until: str | None, *, depth: int
) -> tuple[list[Block], int]:
    """Blocks from `tokens[i:]` up to the closing token `until`; and the index after it."""
    out: list[Block] = []
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == until:
            return out, i + 1
        if kind == "paragraph_open":
            out.append(Paragraph(inline(tokens[i + 1])))
            i += 3
        elif kind == "heading_open":
            level = int(token.tag[1:]) if token.tag[1:].isdigit() else 3
            out.append(Paragraph(inline(tokens[i + 1]), HEADING.get(level, "bold")))
            i += 3
        elif kind in ("fence", "code_block"):
            out.append(Code(token.content.rstrip("\n")))
            i += 1
        elif kind == "hr":
            out.append(Rule())
            i += 1
        elif kind in ("bullet_list_open", "ordered_list_open"):
            listed, i = _list(tokens, i, depth=depth)
            out.append(listed)
        elif kind == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close", depth=depth)
            out.append(Quote(tuple(inner)))
        elif kind == "table_open":
            table, i = _table(tokens, i + 1)
            out.append(table)
        elif kind == "inline":  # loose text outside a paragraph (tight list items)
            out.append(Paragraph(inline(token)))
            i += 1
        elif kind == "html_block":
            out.append(Paragraph(Content(token.content.rstrip("\n"))))
            i += 1
        else:
            i += 1
    return out, i


def _list(tokens: Sequence[Token], i: int, *, depth: int) -> tuple[ListBlock, int]:
    opening = tokens[i]
    ordered = opening.type == "ordered_list_open"
    close = "ordered_list_close" if ordered else "bullet_list_close"
    items: list[tuple[Block, ...]] = []
    i += 1
    while i < len(tokens) and tokens[i].type != close:
        if tokens[i].type == "list_item_open":
            inner, i = _blocks(tokens, i + 1, "list_item_close", depth=depth + 1)
            items.append(tuple(inner))
        else:
            i += 1
    tight = not _loose(tokens, opening)
    if ordered:
        try:
            start = int(opening.attrs.get("start", 1))
        except (TypeError, ValueError):
            start = 1
        labels = [f"{n}. " for n in range(start, start + len(items))]
        width = max((len(label) for label in labels), default=0)
        markers = tuple(label.rjust(width) for label in labels)
    else:
        bullet = BULLETS[min(depth, len(BULLETS) - 1)]
        markers = tuple(bullet for _ in items)
    return ListBlock(markers, tuple(items), tight), i + 1


def _loose(tokens: Sequence[Token], opening: Token) -> bool:
    """A list is loose when its paragraphs are shown (markdown-it hides them in tight lists)."""
    start = tokens.index(opening)
    level = opening.level
    for token in tokens[start + 1 :]:
        if token.level <= level and token.type.endswith("_list_close"):
            return False
        if token.type == "paragraph_open" and token.level == level + 2:
            return not token.hidden
    return False


def _table(tokens: Sequence[Token], i: int) -> tuple[Table, int]:
    header: list[Content] = []
    rows: list[list[Content]] = []
    row: list[Content] = []
    while i < len(tokens) and tokens[i].type != "table_close":
        kind = tokens[i].type
        if kind == "tr_open":
            row = []
        elif kind in ("th_open", "td_open"):
            cell = tokens[i + 1]
            row.append(inline(cell) if cell.type == "inline" else Content())
        elif kind == "tr_close":
            if not header and not rows and any(t.type == "th_open" for t in tokens[i - 3 : i]):
                header = row
            else:
                rows.append(row)
        i += 1
    width = max([len(header), *(len(r) for r in rows)], default=0)
    header += [Content()] * (width - len(header)) if header else []
    full = [tuple(r + [Content()] * (width - len(r))) for r in rows]
    return Table(tuple(header), tuple(full)), i + 1


def inline(token: Token) -> Content:
    """An inline token as `Content`: the text literally, emphasis and code as spans."""
    parts: list[str] = []
    spans: list[Span] = []
    opened: list[tuple[str, int]] = []  # (style, start) of emphasis not closed yet
    links: list[tuple[str, int]] = []  # (address, start) of links not closed yet
    position = 0

    def add(text: str, style: str | None = None) -> None:
        nonlocal position
        parts.append(text)
        if style is not None and text:
            spans.append(Span(position, position + len(text), style))
        position += len(text)

    for child in token.children or ():
        kind = child.type
        if kind == "text":
            add(child.content)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "code_inline":
            add(child.content, CODE_INLINE)
        elif kind in EMPHASIS:
            opened.append((EMPHASIS[kind], position))
        elif kind in ("em_close", "strong_close", "s_close"):
            if opened:
                style, start = opened.pop()
                spans.append(Span(start, position, style))
        elif kind == "link_open":
            links.append((str(child.attrs.get("href", "")), position))
        elif kind == "link_close" and links:
            href, start = links.pop()
            # A click posts the address to the walk screen, which copies it: never followed.
            spans.append(Span(start, position, Style.from_meta({"@click": f"link({href!r})"})))
            spans.append(Span(start, position, "underline"))
            if href and href != "".join(parts)[start:position]:
                add(f" ({href})", MUTED)
        elif kind == "image":
            alt = child.content or str(child.attrs.get("alt", ""))
            src = str(child.attrs.get("src", ""))
            add(f"[image: {alt}]" if alt else "[image]", MUTED)
            if src:
                add(f" ({src})", MUTED)
        elif child.content:  # html_inline and anything else: its source, literally
            add(child.content)
    return Content("".join(parts), spans)


# -- layout ------------------------------------------------------------------------


def layout(found: Sequence[Block], width: int) -> list[Content]:
    """The lines of `found` at `width` cells: blocks separated by a blank line."""
    lines: list[Content] = []
    for index, block in enumerate(found):
        if index:
            lines.append(Content())
        lines.extend(_block_lines(block, max(width, 1)))
    return lines


def _block_lines(block: Block, width: int) -> list[Content]:
    if isinstance(block, Paragraph):
        content = block.content.stylize_before(block.style) if block.style else block.content
        return content.wrap(width)
    if isinstance(block, Code):
        out: list[Content] = []
        for line in block.text.split("\n"):
            pieces = Content(line).wrap(max(width - 2, 1), overflow="fold") or [Content()]
            out.extend(
                Content.assemble(
                    " ", piece.pad_right(max(width - 2 - piece.cell_length, 0)), " "
                ).stylize_before(CODE_BLOCK)
                for piece in pieces
            )
        return out
    if isinstance(block, Rule):
        return [Content.styled("─" * width, MUTED)]
    if isinstance(block, Quote):
        inner = layout(block.blocks, width - 2)
        return [Content.assemble(("▌ ", MUTED), line) for line in inner]
    if isinstance(block, ListBlock):
        return _list_lines(block, width)
    return _table_lines(block, width)


def _list_lines(block: ListBlock, width: int) -> list[Content]:
    out: list[Content] = []
    for index, (marker, item) in enumerate(zip(block.markers, block.items, strict=True)):
        if index and not block.tight:
            out.append(Content())
        indent = len(marker)
        inner = layout(item, width - indent) if width > indent else layout(item, 1)
        if block.tight:  # tight items have no blank line between their blocks
            inner = [line for line in inner if line.cell_length] or [Content()]
        for n, line in enumerate(inner or [Content()]):
            prefix = Content.styled(marker, "bold $text-primary") if n == 0 else " " * indent
            out.append(Content.assemble(prefix, line))
    return out


def _table_lines(table: Table, width: int) -> list[Content]:
    rows = [table.header, *table.rows] if table.header else list(table.rows)
    if not rows:
        return []
    columns = len(rows[0])
    natural = [max(row[c].cell_length for row in rows) for c in range(columns)]
    room = max(width - 3 * (columns - 1), columns)
    sizes = _fit(natural, room)
    separator = Content.styled(" │ ", MUTED)
    out: list[Content] = []
    for n, row in enumerate(rows):
        cells = [row[c].wrap(sizes[c]) or [Content()] for c in range(columns)]
        height = max(len(cell) for cell in cells)
        for y in range(height):
            pieces = []
            for c, cell in enumerate(cells):
                piece = cell[y] if y < len(cell) else Content()
                piece = piece.pad_right(max(sizes[c] - piece.cell_length, 0))
                if n == 0 and table.header:
                    piece = piece.stylize_before("bold")
                pieces.append(piece)
            out.append(separator.join(pieces))
        if n == 0 and table.header:
            out.append(Content.styled("─┼─".join("─" * size for size in sizes), MUTED))
    return out


def _fit(natural: list[int], room: int) -> list[int]:
    """Column widths: natural if they fit, else the widest shrunk first."""
    sizes = [max(n, 1) for n in natural]
    while sum(sizes) > room:
        widest = max(range(len(sizes)), key=sizes.__getitem__)
        if sizes[widest] <= 3:
            break
        sizes[widest] -= 1
    return sizes


# -- the visual and the widget -------------------------------------------------------


@dataclass(eq=False)
class DetailVisual(Visual):
    """Parsed blocks drawn at any width; the lines of the last widths are kept."""

    found: tuple[Block, ...]
    _lines: dict[int, list[Content]] = field(default_factory=dict, repr=False)

    def lines(self, width: int) -> list[Content]:
        lines = self._lines.get(width)
        if lines is None:
            if len(self._lines) > 4:
                self._lines.clear()
            lines = self._lines[width] = layout(self.found, width)
        return lines

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        plain = RenderOptions(options.get_style, options.rules, None, None, options.post_style)
        strips: list[Strip] = []
        for line in self.lines(width):
            strips.extend(line.render_strips(width, 1, style, plain) or [_blank(width, style)])
            if height is not None and len(strips) >= height:
                break
        return strips[:height] if height is not None else strips

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.lines(width))

    @property
    def plain(self) -> str:
        """The text shown, one line per line at a wide width (for tests and copying)."""
        return "\n".join(line.plain for line in self.lines(1000))

    def __str__(self) -> str:
        return self.plain


def _blank(width: int, style: Style) -> Strip:
    return Content(" " * width).render_strips(width, 1, style, _NO_OPTIONS)[0]


_NO_OPTIONS = RenderOptions(lambda _: Style(), {}, None, None)


@lru_cache(maxsize=PARSED_KEPT)
def visual(text: str) -> DetailVisual:
    """The drawable detail for `text` (cleaned); kept, so a step back or ahead reuses it."""
    return DetailVisual(blocks(text))


def prepare(texts: Iterable[str], width: int) -> None:
    """Parse and lay out details before they are needed (the next nodes' while one is read)."""
    for text in texts:
        if width > 0:
            visual(text).lines(width)


class DetailBody(Static):
    """The one widget that draws a detail; a click on a link is passed to the `Markdown`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"detail--code", "detail--fence"}
    DEFAULT_CSS = """
    DetailBody {
        height: auto;
        &:dark > .detail--code { background: $warning 10%; color: $text-warning 95%; }
        &:light > .detail--code { background: $error 5%; color: $text-error 95%; }
        &:ansi > .detail--code { background: ansi_default; }
        & > .detail--fence { background: $boost; }
    }
    """

    async def action_link(self, href: str) -> None:
        parent = self.parent
        if isinstance(parent, Markdown):
            self.post_message(Markdown.LinkClicked(parent, href))


class TreeMarkdown(Markdown):
    """Tree-authored Markdown (already cleaned) in one `Static`; links are reported, never followed."""

    DEFAULT_CSS = "TreeMarkdown { padding: 0; }"

    def __init__(self, text: str) -> None:
        # Markdown's own mount handler shows the initial text through `update` below.
        super().__init__(text, open_links=False, classes="detail", parser_factory=parser)
        self.text = text
        self._markdown = text
        self._body = DetailBody(visual(text))

    def compose(self) -> ComposeResult:
        yield self._body

    def update(self, markdown: str) -> AwaitComplete:
        """Show `markdown` (cleaned) in place."""
        self.text = self._markdown = markdown
        self._table_of_contents = None
        self._body.update(visual(markdown))
        return AwaitComplete(_done())

    def append(self, markdown: str) -> AwaitComplete:
        return self.update(self.text + markdown)

    async def refill(self, text: str) -> None:
        """Show `text`, in the same widget."""
        await self.update(text)


async def _done() -> None:
    return None
