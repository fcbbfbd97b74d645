"""The numbered answers at the bottom of the walk: arrows, Enter, mouse or 1 to 9.

Page Up and Page Down scroll the node text above instead of paging through a
handful of choices, so long text can be read without leaving the choices.
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
    return Content.assemble(*parts)


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

    def show(self, choices: Sequence[Option], title: str = "Choose") -> None:
        """Replace the options, highlighting the first."""
        self.choices = list(choices)
        self.set_options(option_prompt(i, opt) for i, opt in enumerate(self.choices, 1))
        self.highlighted = 0 if self.choices else None
        self.border_title = title

    def action_page_down(self) -> None:
        self.post_message(self.ScrollNode(1))

    def action_page_up(self) -> None:
        self.post_message(self.ScrollNode(-1))


__all__ = ["ChoiceList", "ListOption", "option_prompt"]
