"""The side panel: the path so far, one entry per step, question and answer.

Selecting an earlier step (Enter or a click) asks the walk screen to reopen it.
The panel is an `OptionList`, which draws only the lines on screen, so a long
path costs nothing per key press.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList

from dectree.app.safe import one_line, plain
from dectree.search import node_title
from dectree.session import PathStep, Session


def step_prompt(number: int, step: PathStep, session: Session, current: bool) -> Content:
    """`2. Which filesystem is full` / `   → Out of blocks` / `   ✎ note`."""
    node = session.trees[step.tree_id].nodes.get(step.node_id)
    title = node_title(node, 60) if node is not None else step.node_id
    marker = ("▶ ", "bold $text-accent") if current else (f"{number}. ", "$text-muted")
    lines = [Content.assemble(marker, plain(one_line(title), "bold" if current else ""))]
    if step.answer is not None:
        lines.append(Content.assemble(("  → ", "$text-secondary"), plain(one_line(step.answer, 100))))
    if step.note:
        lines.append(Content.assemble(("  ✎ ", "$text-muted"), plain(one_line(step.note, 60), "italic")))
    return Content("\n").join(lines)


def switch_prompt(session: Session, tree_id: str) -> Content:
    """A line marking that the walk entered another tree."""
    tree = session.trees.get(tree_id)
    return Content.assemble(("↪ ", "bold $text-warning"), plain(one_line(tree.title if tree else tree_id), "$text-warning"))


class PathPanel(OptionList):
    """Every step so far; the current one is marked."""

    @dataclass
    class ReopenRequested(Message):
        """The engineer picked step `index` (0-based) in the path."""

        index: int

    def __init__(self) -> None:
        super().__init__(id="path")
        self.border_title = "Path"
        self._steps: list[int | None] = []

    def show(self, session: Session) -> None:
        """Rebuild the entries from the session's path, highlighting the current step."""
        path: Sequence[PathStep] = session.path
        prompts: list[Content] = []
        self._steps = []
        previous_tree = path[0].tree_id if path else None
        for index, step in enumerate(path):
            if step.tree_id != previous_tree:
                prompts.append(switch_prompt(session, step.tree_id))
                self._steps.append(None)
                previous_tree = step.tree_id
            prompts.append(step_prompt(index + 1, step, session, index == len(path) - 1))
            self._steps.append(index)
        self.set_options(prompts)
        for position, step_index in enumerate(self._steps):
            if step_index is None:
                self.disable_option_at_index(position)
        self.highlighted = len(prompts) - 1 if prompts else None

    def step_at(self, position: int | None) -> int | None:
        """The path step shown at an option position (None for tree-switch lines)."""
        if position is None or not 0 <= position < len(self._steps):
            return None
        return self._steps[position]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = self.step_at(event.option_index)
        if index is not None:
            self.post_message(self.ReopenRequested(index))
