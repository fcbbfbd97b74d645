"""The list on the home screen and in the search dialog: trees, or search hits.

One `OptionList` (drawn lazily, so long lists stay cheap) whose entries are
either trees (title, purpose, number of steps, review badge) or search hits
(node title, tree, what matched). Selecting an entry posts `StartRequested`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList

from dectree.app.safe import one_line, plain

if TYPE_CHECKING:  # the home screen paints before the engine is imported
    from dectree.engine.search import Hit
    from dectree.model.tree import Tree

MATCH_TEXT = {"exact": "matches", "words": "words in", "fuzzy": "looks like"}
FIELD_TEXT = {
    "symptoms": "symptom",
    "tree.symptoms": "tree symptom",
    "title": "title",
    "tree.title": "tree title",
    "prompt": "question",
    "root_cause": "root cause",
    "reason": "reason",
}


def first_sentence(text: str, limit: int = 110) -> str:
    """The first sentence of `text` on one line, cut to `limit` with an ellipsis."""
    flat = one_line(text)
    end = flat.find(". ")
    return one_line(flat[: end + 1] if end >= 0 else flat, limit)


def tree_prompt(tree: Tree, today: dt.date) -> Content:
    """Title and review badge; then the number of steps and what the tree is for."""
    steps = len(tree.nodes)
    first: list[str | Content | tuple[str, str]] = [plain(one_line(tree.title), "bold")]
    if tree.review.next_review < today:
        first += ["  ", (" review overdue ", "bold reverse $text-warning")]
    second = Content.assemble(
        (f"{steps} step{'s' if steps != 1 else ''} · ", "$text-secondary"),
        plain(first_sentence(tree.purpose), "$text-muted"),
    )
    return Content.assemble(*first, "\n", second)


def short_title(title: str) -> str:
    """A tree's title up to its first colon ("Database troubleshooting: errors, ...")."""
    head = title.split(":", 1)[0]
    return one_line(head or title, 40)


def hit_prompt(hit: Hit, tree_title: str) -> Content:
    """Node title and tree; what matched, on the second line."""
    first = Content.assemble(
        plain(one_line(hit.title), "bold"),
        ("  in ", "$text-muted"),
        plain(short_title(tree_title), "$text-secondary"),
    )
    how = f"{MATCH_TEXT.get(hit.kind, hit.kind)} {FIELD_TEXT.get(hit.field, hit.field)}: "
    second = Content.assemble((how, "$text-muted"), plain(one_line(hit.text, 200), "italic $text-muted"))
    return Content.assemble(first, "\n", second)


def _with_dividers(prompts: Iterable[Content]) -> list[Content | None]:
    """A divider line after every entry (None adds one; it is not an option)."""
    return [item for prompt in prompts for item in (prompt, None)]


class ResultList(OptionList):
    """Trees or hits; Enter or a click starts a walk at the entry."""

    @dataclass
    class StartRequested(Message):
        """Start a walk in `tree_id` at `node_id` (None: the tree's start)."""

        tree_id: str
        node_id: str | None
        query: str | None

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.targets: list[tuple[str, str | None]] = []
        self.query_text: str | None = None

    def show_trees(self, trees: Mapping[str, Tree], today: dt.date) -> None:
        """List every tree, by title."""
        ordered = sorted(trees.values(), key=lambda t: (t.title.casefold(), t.id))
        self.targets = [(t.id, None) for t in ordered]
        self.query_text = None
        self.set_options(_with_dividers(tree_prompt(t, today) for t in ordered))
        self.highlighted = 0 if ordered else None

    def show_hits(self, hits: Sequence[Hit], trees: Mapping[str, Tree], query: str) -> None:
        """List search hits, best first."""
        self.targets = [(h.tree_id, h.node_id) for h in hits]
        self.query_text = query
        titles = {h.tree_id: trees[h.tree_id].title if h.tree_id in trees else h.tree_id for h in hits}
        self.set_options(_with_dividers(hit_prompt(h, titles[h.tree_id]) for h in hits))
        self.highlighted = 0 if hits else None

    def request_start(self, position: int | None = None) -> bool:
        """Ask to start at the entry at `position` (default the highlighted one)."""
        position = self.highlighted if position is None else position
        if position is None or not 0 <= position < len(self.targets):
            return False
        tree_id, node_id = self.targets[position]
        self.post_message(self.StartRequested(tree_id, node_id, self.query_text))
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.request_start(event.option_index)
