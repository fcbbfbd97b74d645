"""The numbered answers at the bottom of the walk: arrows, Enter, mouse or 1 to 9.

Page Up and Page Down scroll the node text above instead of paging through a
handful of choices, so long text can be read without leaving the choices. The
list takes at most half of the walk's column (the reading pane keeps the
rest); when some choices do not fit, the bottom border says which are below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option as ListOption

from dectree.app.options import Option
from dectree.app.safe import one_line, plain


def option_prompt(number: int, option: Option) -> Content:
    """`1  label  (hint)`: the number key, the label as written, our hint muted."""
    key = f"{number}" if number <= 9 else " "
    parts: list[str | Content | tuple[str, str]] = [(f"{key}  ", "bold")]
    parts.append(plain(one_line(option.label)))
    if option.hint:
        parts += ["  ", plain(f"({one_line(option.hint)})", "italic $text-muted")]
    if option.suggested is not None:
        parts += [
            "\n   ",
            ("◆ suggested by the output", "bold $text-success"),
            plain(f": {one_line(option.suggested, 200)}", "$text-muted"),
        ]
    return Content.assemble(*parts)


def hidden_below(first_line: Sequence[int], top: int, height: int) -> list[int]:
    """0-based indexes of the options whose first line is below the visible lines."""
    return [index for index, line in enumerate(first_line) if line >= top + height]


class ChoiceList(OptionList):
    """The options of the current step."""

    @dataclass
    class ScrollNode(Message):
        """Scroll the node view: +1 a page down, -1 a page up."""

        direction: int

    def __init__(self) -> None:
        super().__init__(id="choices")
        self.choices: list[Option] = []
        self.border_title = "Choose"

    def show(self, choices: Sequence[Option], title: str = "Choose", *, highlight: bool = True) -> None:
        """Replace the options, highlighting the first (or none: Enter then answers nothing)."""
        self.choices = list(choices)
        self.set_options(option_prompt(i, opt) for i, opt in enumerate(self.choices, 1))
        self.highlighted = 0 if self.choices and highlight else None
        self.border_title = title
        self.call_after_refresh(self.update_below)

    def below(self) -> list[int]:
        """0-based indexes of the choices that are scrolled out of sight below."""
        cache = getattr(self, "_line_cache", None)
        index_to_line = getattr(cache, "index_to_line", None)
        if not isinstance(index_to_line, dict) or len(index_to_line) < len(self.options):
            return []
        first = [index_to_line[i] for i in range(len(self.options))]
        height = self.scrollable_content_region.height
        return hidden_below(first, round(self.scroll_y), height) if height else []

    def update_below(self) -> None:
        """`↓ 7-8 below` in the bottom border while choices are out of sight."""
        hidden = self.below()
        if not hidden:
            self.border_subtitle = ""
            return
        first, last = hidden[0] + 1, hidden[-1] + 1
        numbers = f"{first}" if first == last else f"{first}-{last}"
        self.border_subtitle = f"↓ {numbers} below"

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.update_below()

    def on_resize(self) -> None:
        self.call_after_refresh(self.update_below)

    def action_page_down(self) -> None:
        self.post_message(self.ScrollNode(1))

    def action_page_up(self) -> None:
        self.post_message(self.ScrollNode(-1))


__all__ = ["ChoiceList", "ListOption", "hidden_below", "option_prompt"]
