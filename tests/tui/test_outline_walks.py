"""The outline after long walks: around a retry loop, and hundreds of steps deep.

The outline opens the tree down to the current node with the cursor on it.
A walk that went round a loop must still end at the current node, and on a
deep path the label must be scrolled into view (each level indents it by the
tree's guide width, far past the dialog's right edge).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.widgets import Tree

from dectree.app.app import build_app
from dectree.app.screens.outline import OutlineScreen, without_loops
from dectree.app.screens.walk import WalkScreen
from dectree.model.catalog import Catalog, LoadedTree
from dectree.model.tree import Tree as TreeModel
from tests.tui.conftest import TODAY, frozen_clock


def chain_tree(length: int, *, loop: bool) -> TreeModel:
    """Questions q0 .. q{length-1}, each answered 1 to go on; the last loops to q0 or concludes."""
    nodes: dict[str, Any] = {}
    for i in range(length):
        last = i == length - 1
        nodes[f"q{i}"] = {
            "kind": "question",
            "title": f"Check number {i}",
            "prompt": f"Question {i}?",
            "checks": [{"run": f"check {i}"}],
            "choices": [
                {
                    "label": "Go on",
                    "next": "q0" if last and loop else f"q{i + 1}" if not last else "done",
                },
                {"label": "Stop", "next": "done"},
            ],
        }
    nodes["done"] = {
        "kind": "conclusion",
        "outcome": "resolved",
        "root_cause": "Found.",
        "resolution": [{"do": "Fix it."}],
    }
    return TreeModel.model_validate(
        {
            "id": "chain",
            "title": "Chain",
            "version": "1",
            "purpose": "Long walks.",
            "scope": "Tests.",
            "review": {
                "last_updated": "2026-01-01",
                "updated_by": "t",
                "next_review": "2099-01-01",
            },
            "start": "q0",
            "nodes": nodes,
        }
    )


def catalog_of(tree: TreeModel) -> Catalog:
    return Catalog(trees={tree.id: LoadedTree(tree, "chain.yaml", "0", {})})  # type: ignore[arg-type]


@dataclass
class Seen:
    """The outline as it stood, read while the app ran."""

    current: str  # the session's current node
    cursor: str | None  # the node under the outline's cursor
    label: str
    label_x: int  # where the cursor node's label starts (guides take guide_depth a level)
    left: int
    top: int
    width: int
    height: int
    cursor_line: int


async def open_outline_after(steps: int, tree: TreeModel) -> Seen:
    """Answer 1 `steps` times, then open the outline."""
    app = build_app(catalog_of(tree), tree="chain", clock=frozen_clock, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WalkScreen)
        for _ in range(steps):
            screen.session.choose(0)
        await pilot.pause()
        current = screen.session.current.node_id
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OutlineScreen)
        outline: Tree[Any] = app.screen.query_one(Tree)
        node = outline.cursor_node
        region = outline.scrollable_content_region
        return Seen(
            current=current,
            cursor=node.data.node_id if node is not None and node.data is not None else None,
            label=str(node.label) if node is not None else "",
            label_x=int(current[1:]) * outline.guide_depth,
            left=outline.scroll_offset.x,
            top=outline.scroll_offset.y,
            width=region.width,
            height=region.height,
            cursor_line=outline.cursor_line,
        )


def test_without_loops_cuts_every_loop() -> None:
    assert without_loops(["a", "b", "c"]) == ["a", "b", "c"]
    assert without_loops(["a", "b", "c", "a", "d"]) == ["a", "d"]
    assert without_loops(["a", "b", "c", "b", "c", "b", "e"]) == ["a", "b", "e"]
    assert without_loops(["a", "b", "a", "b", "a"]) == ["a"]


async def test_outline_after_a_loop_has_its_cursor_on_the_current_node() -> None:
    seen = await open_outline_after(2 * 12 + 5, chain_tree(12, loop=True))
    assert seen.current == seen.cursor == "q5"
    assert seen.label.startswith("◉ ")


async def test_outline_deep_in_a_walk_scrolls_the_label_into_view() -> None:
    seen = await open_outline_after(150, chain_tree(200, loop=False))
    assert seen.current == seen.cursor == "q150"
    assert seen.left <= seen.label_x < seen.left + seen.width - 10
    assert seen.top <= seen.cursor_line < seen.top + seen.height


async def test_outline_of_a_short_walk_does_not_scroll_sideways() -> None:
    seen = await open_outline_after(3, chain_tree(20, loop=False))
    assert seen.current == seen.cursor == "q3"
    assert seen.left == 0
