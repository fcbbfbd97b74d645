"""The list on the home screen and in the search dialog: trees, or search hits.

One `OptionList` (drawn lazily, so long lists stay cheap) whose entries are
either trees (title and review badge; size and purpose on a second line) or
search hits grouped by tree (node title, strength and kind; what matched).
Selecting an entry posts `StartRequested`. Tree group headings are disabled
options, so they are skipped by the cursor and never start anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from dectree.app.safe import one_line, plain

if TYPE_CHECKING:  # the home screen paints before the engine is imported
    from dectree.engine.search import Hit
    from dectree.model.listing import TreeSummary
    from dectree.model.tree import Tree

FIELD_TEXT = {
    "symptoms": "symptom",
    "tree.symptoms": "tree symptom",
    "title": "title",
    "tree.title": "tree title",
    "choice": "answer",
    "prompt": "question",
    "detail": "detail",
    "root_cause": "root cause",
    "resolution": "resolution",
    "reason": "reason",
}
STRENGTH_STYLE = {
    "exact": "bold $text-success",
    "strong": "bold $text-primary",
    "weak": "$text-muted",
}
WIDTH = 74  # text width when the list has not been laid out yet (an 80-column terminal)


def first_sentence(text: str, limit: int = 110) -> str:
    """The first sentence of `text` on one line, cut to `limit` with an ellipsis."""
    flat = one_line(text)
    end = flat.find(". ")
    return one_line(flat[: end + 1] if end >= 0 else flat, limit)


def tree_prompt(tree: TreeSummary, today: dt.date, width: int = WIDTH) -> Content:
    """Title and review badge; then the number of steps and what the tree is for: two lines."""
    steps = tree.steps
    badge = " review overdue " if tree.next_review < today else ""
    title = one_line(tree.title, max(20, width - len(badge) - 2))
    first: list[str | Content | tuple[str, str]] = [plain(title, "bold")]
    if badge:
        first += ["  ", (badge, "bold reverse $text-warning")]
    count = f"{steps} step{'s' if steps != 1 else ''} · "
    second = Content.assemble(
        (count, "$text-secondary"),
        plain(first_sentence(tree.purpose, max(20, width - len(count))), "$text-muted"),
    )
    return Content.assemble(*first, "\n", second)


def short_title(title: str) -> str:
    """A tree's title up to its first colon ("Database troubleshooting: errors, ...")."""
    head = title.split(":", 1)[0]
    return one_line(head or title, 40)


def hit_prompt(hit: Hit, width: int = WIDTH) -> Content:
    """Node title, strength and kind; what matched, on the second line: two lines."""
    tail = f"  {hit.strength} · {hit.kind}"
    first = Content.assemble(
        plain(one_line(hit.title, max(20, width - len(tail))), "bold"),
        "  ",
        (hit.strength, STRENGTH_STYLE.get(hit.strength, "")),
        (f" · {hit.kind}", "$text-muted"),
    )
    verb = "matches" if hit.strength == "exact" else "words in"
    how = f"{verb} {FIELD_TEXT.get(hit.field, hit.field)}: "
    text = one_line(hit.text, max(20, width - len(how)))
    second = Content.assemble((how, "$text-muted"), plain(text, "italic $text-muted"))
    return Content.assemble(first, "\n", second)


def group_prompt(title: str, count: int) -> Content:
    """The heading of one tree's hits."""
    return Content.assemble(
        (f"{short_title(title)}", "bold $text-secondary"),
        (f"  {count} step{'s' if count != 1 else ''}", "$text-muted"),
    )


class ResultList(OptionList):
    """Trees or hits; Enter or a click starts a walk at the entry."""

    @dataclass
    class StartRequested(Message):
        """Start a walk in `tree_id` at `node_id` (None: the tree's start); `hit` when a hit was chosen."""

        tree_id: str
        node_id: str | None
        query: str | None
        hit: Hit | None = None

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        # One per option: (tree id, node id or None for the start), or None for a heading.
        self.targets: list[tuple[str, str | None] | None] = []
        self.hits: list[Hit | None] = []
        self.query_text: str | None = None
        self._shown: tuple[str, tuple[object, ...]] | None = None  # what to redraw on resize

    @property
    def text_width(self) -> int:
        """Columns an option's text has (the list's width less borders and padding)."""
        return self.size.width - 6 if self.size.width > 26 else WIDTH

    def on_resize(self) -> None:
        if self._shown is not None:
            kind, args = self._shown
            if kind == "trees":
                self.show_trees(*args)  # type: ignore[arg-type]
            else:
                self.show_hits(*args)  # type: ignore[arg-type]

    def show_trees(self, trees: Sequence[TreeSummary], today: dt.date) -> None:
        """List every tree, by title."""
        ordered = sorted(trees, key=lambda t: (t.title.casefold(), t.id))
        self.targets = [(t.id, None) for t in ordered]
        self.hits = [None] * len(ordered)
        self.query_text = None
        self._shown = ("trees", (trees, today))
        width = self.text_width
        self.set_options(tree_prompt(t, today, width) for t in ordered)
        self.highlighted = 0 if ordered else None

    def show_hits(
        self,
        hits: Sequence[Hit],
        trees: Mapping[str, Tree],
        query: str,
        first_tree: str | None = None,
    ) -> None:
        """List search hits grouped by tree: `first_tree` (where Enter goes) first,
        then the others in the order of their best hit."""
        from dectree.engine.search import group_by_tree

        self.targets, self.hits = [], []
        self.query_text = query
        self._shown = ("hits", (hits, trees, query, first_tree))
        width = self.text_width
        options: list[Option | Content] = []
        groups = group_by_tree(list(hits))
        groups.sort(key=lambda group: group[0] != first_tree)  # stable: the rest keep their order
        for tree_id, group in groups:
            title = trees[tree_id].title if tree_id in trees else tree_id
            options.append(Option(group_prompt(title, len(group)), disabled=True))
            self.targets.append(None)
            self.hits.append(None)
            for hit in group:
                options.append(hit_prompt(hit, width))
                self.targets.append((hit.tree_id, hit.node_id))
                self.hits.append(hit)
        self.set_options(options)
        first = next((i for i, target in enumerate(self.targets) if target is not None), None)
        self.highlighted = first

    def request_start(self, position: int | None = None) -> bool:
        """Ask to start at the entry at `position` (default the highlighted one)."""
        position = self.highlighted if position is None else position
        if position is None or not 0 <= position < len(self.targets):
            return False
        target = self.targets[position]
        if target is None:
            return False
        tree_id, node_id = target
        self.post_message(self.StartRequested(tree_id, node_id, self.query_text, self.hits[position]))
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.request_start(event.option_index)
