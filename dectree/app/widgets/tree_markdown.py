"""A node's `detail`: Textual's Markdown widget, refilled in place from step to step.

`Markdown.update` removes every block widget and mounts new ones (a paragraph
is one widget, a list item four), and mounting is what a step costs most. A
new step's detail usually has the blocks the last one had: paragraphs, and
lists of one-paragraph items. `TreeMarkdown.refill` puts the new text into
those blocks and mounts only from the first block that differs.

This leans on Textual internals (8.2: how `_parse_markdown` builds blocks, how
a list composes its items). Every step is checked against what is mounted, and
anything unexpected, another Textual included, falls back to mounting, as
`Markdown.update` does: slower, never wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@cache
def parser() -> MarkdownIt:
    """The one Markdown parser (Textual's own choice, "gfm-like"): building one costs ~2 ms."""
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like")


class TreeMarkdown(Markdown):
    """Tree-authored Markdown (already cleaned); links are reported, never followed."""

    def __init__(self, text: str) -> None:
        super().__init__(text, open_links=False, classes="detail", parser_factory=parser)
        self.text = text

    async def refill(self, text: str) -> None:
        """Show `text`, reusing the block widgets that fit it."""
        self.text = text
        async with self.lock:
            try:
                new = list(self._parse_markdown(parser().parse(text)))
                self._theme = self.app.theme
            except AttributeError:  # not the Textual this was written for
                new = None
            if new is not None:
                old = list(self.query_children(MarkdownBlock))
                kept = 0
                for before, after in zip(old, new, strict=False):
                    if not await self._refill_block(before, after):
                        break
                    kept += 1
                with self.app.batch_update():
                    if kept < len(old):
                        await self.remove_children(old[kept:])
                    if kept < len(new):
                        await self.mount_all(new[kept:])
                self._markdown = text
                self._table_of_contents = None
                lines = text.splitlines()
                self._last_parsed_line = len(lines) - (1 if lines and lines[-1] else 0)
                return
        await self.update(text)

    async def _refill_block(self, before: MarkdownBlock, after: MarkdownBlock) -> bool:
        """Put `after` (parsed, not mounted) into `before` (mounted); False if it does not fit."""
        paragraph = self.get_block_class("paragraph_open")
        if type(before) is not type(after):
            return False
        if type(before) is paragraph:
            await before._update_from_block(after)
            before.source_range = after.source_range
            return True
        if type(before) not in (
            self.get_block_class("bullet_list_open"),
            self.get_block_class("ordered_list_open"),
        ):
            return False
        items = _mounted_items(before, paragraph)
        texts = [item._blocks for item in after._blocks]
        if items is None or len(items) != len(texts):
            return False
        if any(len(blocks) != 1 or type(blocks[0]) is not paragraph for blocks in texts):
            return False
        if [symbol for symbol, _ in items] != _symbols(after, self):
            return False
        for (_, shown), blocks in zip(items, texts, strict=True):
            await shown._update_from_block(blocks[0])
        before.source_range = after.source_range
        before._token = after._token
        return True


def _mounted_items(
    block: MarkdownBlock, paragraph: type[MarkdownBlock]
) -> list[tuple[str, MarkdownBlock]] | None:
    """A mounted list's items as (bullet symbol, paragraph), if each item is one paragraph."""
    from textual.widgets._markdown import MarkdownBullet

    items: list[tuple[str, MarkdownBlock]] = []
    for row in block.children:
        if type(row) is not Horizontal or len(row.children) != 2:
            return None
        bullet, body = row.children
        if not isinstance(bullet, MarkdownBullet) or type(body) is not Vertical:
            return None
        inner: Sequence[Widget] = body.children
        if len(inner) != 1 or type(inner[0]) is not paragraph:
            return None
        shown = inner[0]
        assert isinstance(shown, MarkdownBlock)
        items.append((bullet.symbol, shown))
    return items


def _symbols(block: MarkdownBlock, markdown: Markdown) -> list[str]:
    """The bullets a list block will show once composed (as Textual 8.2 composes them)."""
    items = block._blocks
    if type(block) is markdown.get_block_class("bullet_list_open"):
        return [getattr(item, "bullet", "") for item in items]
    try:
        start = int(getattr(items[0], "bullet", "1")) if items else 1
    except ValueError:
        start = 1
    labels = [f"{number}. " for number in range(start, start + len(items))]
    width = max((len(label) for label in labels), default=0)
    return [label.rjust(width + 1) for label in labels]
