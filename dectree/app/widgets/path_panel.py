"""The side panel: the path so far, one line per step, question and answer.

Each step is one line, `3 Is the port open → Closed ✎`, cut with an ellipsis
to the panel's width (`text-wrap: nowrap` in the stylesheet); the full
question, answer and note show as a tooltip on hover, and in the outline.
Selecting an earlier step (Enter or a click) asks the walk screen to reopen it.
The panel is an `OptionList`, which draws only the lines on screen. A new
step changes only the end of the path, so `show` keeps the entries that did
not change and replaces the rest: a key press costs the same at step 500 as
at step 5 (rebuilding every entry cost a third more per key at 200 steps).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from dectree.app.safe import clean, one_line, plain
from dectree.engine.session import PathStep, Session
from dectree.engine.walk import node_title

TITLE_WIDTH = 24
"""Characters of a step's title kept before its answer, at most (the line is cut after that)."""


def title_width(line_width: int, number: int, answer: str | None) -> int:
    """How much of a title to keep so the answer after it shows too.

    The whole title when the line has room for it and the answer; else what is
    left after the answer, but at least a third of the line (the answer is cut
    then) and never more than `TITLE_WIDTH`.
    """
    room = line_width - len(str(number)) - 1
    if answer is None:
        return room
    left = room - 3 - len(one_line(answer)) - 2  # " → ", and " ✎"
    return max(min(left, TITLE_WIDTH), room // 3, 6)


def step_prompt(
    number: int, step: PathStep, session: Session, current: bool, width: int = 3 * TITLE_WIDTH
) -> Content:
    """`2 Which filesyst… → Out of blocks ✎`, on one line (`▶ title` when current).

    `width` is the panel's line width; the title is cut so the answer shows.
    """
    node = session.trees[step.tree_id].nodes.get(step.node_id)
    title = node_title(node, 60) if node is not None else step.node_id
    line: list[str | Content | tuple[str, str]]
    if current:
        line = [("▶ ", "bold $text-accent"), plain(one_line(title), "bold")]
    else:
        keep = title_width(width, number, step.answer)
        short = title if len(one_line(title)) <= keep else one_line(title, keep)
        line = [(f"{number} ", "$text-muted"), plain(one_line(short))]
    if step.answer is not None:
        line += [(" → ", "$text-secondary"), plain(one_line(step.answer), "$text-secondary")]
    if step.note:
        line.append((" ✎", "$text-muted"))
    return Content.assemble(*line)


def step_tooltip(number: int, step: PathStep, session: Session) -> str:
    """The whole step, for the tooltip: question, answer and note in full."""
    node = session.trees[step.tree_id].nodes.get(step.node_id)
    title = node_title(node, 200) if node is not None else step.node_id
    lines = [f"{number}. {one_line(title)}"]
    if step.answer is not None:
        lines.append(f"→ {one_line(step.answer)}")
    if step.note:
        lines.append(f"✎ {clean(step.note)}")
    return "\n".join(lines)


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
        self._keys: list[tuple[object, ...]] = []  # what each entry shows, to find what changed

    def show(self, session: Session) -> None:
        """Show the session's path, the current step highlighted; redraw only what changed."""
        path: Sequence[PathStep] = session.path
        width = self.scrollable_content_region.width or 3 * TITLE_WIDTH
        keys: list[tuple[object, ...]] = []
        steps: list[int | None] = []
        previous_tree = path[0].tree_id if path else None
        last = len(path) - 1
        for index, step in enumerate(path):
            if step.tree_id != previous_tree:
                keys.append(("switch", step.tree_id))
                steps.append(None)
                previous_tree = step.tree_id
            keys.append(
                ("step", step.tree_id, step.node_id, step.answer, step.note, width, index == last)
            )
            steps.append(index)
        same = 0
        for before, after in zip(self._keys, keys, strict=False):
            if before != after:
                break
            same += 1
        if same < len(keys) or same < len(self._keys):
            if not self._cut_at(same):
                same = 0
            options = [
                Option(switch_prompt(session, str(key[1])), disabled=True)
                if step_index is None
                else Option(
                    step_prompt(step_index + 1, path[step_index], session, key[-1] is True, width)
                )
                for key, step_index in zip(keys[same:], steps[same:], strict=True)
            ]
            if same == 0:
                self.set_options(options)
            elif options:
                self.add_options(options)  # measures only the new entries
            else:
                self.refresh(layout=self.styles.auto_dimensions)
                self._update_lines()
        moved = keys != self._keys
        self._keys, self._steps = keys, steps
        self._session = session
        if moved or self.highlighted is None:  # a resize alone keeps the engineer's place
            self.highlighted = len(keys) - 1 if keys else None
            self.call_after_refresh(self.scroll_end, animate=False)  # the current step in sight

    def on_resize(self) -> None:
        session = getattr(self, "_session", None)
        if session is not None:
            self.show(session)  # titles are cut to the width: recut them

    def watch__mouse_hovering_over(self, index: int | None) -> None:
        """The hovered step in full, as the tooltip (its line may be cut)."""
        step = self.step_at(index)
        session = getattr(self, "_session", None)
        if step is None or session is None or step >= len(session.path):
            self.tooltip = None
        else:
            self.tooltip = Content(step_tooltip(step + 1, session.path[step], session))

    def _cut_at(self, start: int) -> bool:
        """Drop the entries from `start` on, keeping what is known of the others.

        `OptionList` has no public way to do this short of measuring every entry
        again, so its line cache (Textual 8.2) is cut at `start`. False, with
        nothing changed, when that cannot be done (nothing to keep, the lines not
        measured yet, another Textual): the caller then sets every entry.
        """
        if start == 0:
            return False
        try:
            cache = self._line_cache
            first_line = cache.index_to_line.get(start)
            if first_line is None or len(self._options) < start:
                return False
            for option in self._options[start:]:
                del self._option_to_index[option]
            del self._options[start:]
            del cache.lines[first_line:]
            for index in [i for i in cache.heights if i >= start]:
                del cache.heights[index]
                cache.index_to_line.pop(index, None)
            self._mouse_hovering_over = None
        except (AttributeError, KeyError, TypeError):
            return False
        return True

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
