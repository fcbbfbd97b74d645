"""Pilot tests: the outline, and staying responsive on a 10,000-node tree."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Tree

from dectree.app.app import DectreeApp, build_app
from dectree.app.screens.outline import OutlineScreen, path_to
from dectree.engine.session import Session
from dectree.model.catalog import Catalog
from dectree.model.tree import Tree as TreeModel
from tests.tui.conftest import TODAY, frozen_clock
from tests.tui.helpers import walk

MakeApp = Callable[..., DectreeApp]


def big_tree(size: int = 10_000) -> TreeModel:
    """A binary tree of `size` questions and conclusions, `start` at the root."""
    nodes: dict[str, object] = {}
    for i in range(size):
        left, right = 2 * i + 1, 2 * i + 2
        node_id = "start" if i == 0 else f"n{i}"
        if right < size:
            nodes[node_id] = {
                "kind": "question",
                "prompt": f"Question {i}?",
                "checks": [{"run": f"check {i}"}],
                "choices": [
                    {"label": "Left", "next": f"n{left}"},
                    {"label": "Right", "next": f"n{right}"},
                ],
            }
        else:
            nodes[node_id] = {
                "kind": "conclusion",
                "outcome": "resolved",
                "root_cause": f"Cause {i}.",
                "resolution": [{"do": "Fix it."}],
            }
    return TreeModel.model_validate(
        {
            "id": "big",
            "title": "Big tree",
            "version": "1",
            "purpose": "Scale.",
            "scope": "Tests.",
            "review": {"last_updated": "2026-01-01", "updated_by": "t", "next_review": "2099-01-01"},
            "start": "start",
            "nodes": nodes,
        }
    )


def count_nodes(tree: Tree[object]) -> int:
    stack, total = [tree.root], 0
    while stack:
        node = stack.pop()
        total += 1
        stack.extend(node.children)
    return total


async def test_outline_marks_the_path_and_current_node(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1", "1")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OutlineScreen)
        outline = app.screen.query_one(Tree)
        cursor = outline.cursor_node
        assert cursor is not None and cursor.data is not None
        assert cursor.data.node_id == "restart"
        assert str(cursor.label).startswith("◉ ")
        assert str(outline.root.label).startswith("✓ ")


async def test_enter_on_a_visited_node_reopens_it(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1", "1")
        await pilot.pause()
        await pilot.press("o", "up", "enter")  # "Is the port open", visited
        await pilot.pause()
        session = walk(app).session
        assert session.current.node_id == "listening"
        assert len(session.path) == 2


async def test_enter_on_an_unvisited_node_only_opens_it(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o", "down", "down", "enter")  # "Missing DNS record", a leaf
        await pilot.pause()
        assert isinstance(app.screen, OutlineScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert walk(app).session.current.node_id == "start"


async def test_path_to_when_entered_mid_tree(catalog: Catalog) -> None:
    session = Session(catalog, clock=frozen_clock)
    session.start("net", "restart")
    assert path_to(session.tree, session) == ["start", "listening", "restart"]


async def test_outline_of_a_10000_node_tree_is_lazy() -> None:
    tree = big_tree()
    deep = 2**11 - 1  # the leftmost node eleven levels down
    app = build_app(_catalog_of(tree), tree="big", at=f"n{deep}", clock=frozen_clock, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        session = walk(app).session
        assert session.current.node_id == f"n{2 * deep + 2}"
        await pilot.press("o")
        await pilot.pause()
        outline = app.screen.query_one(Tree)
        cursor = outline.cursor_node
        assert cursor is not None and cursor.data is not None
        assert cursor.data.node_id == session.current.node_id
        # Only the path from the start is open (two children per level): nothing else is built.
        assert count_nodes(outline) < 40


def _catalog_of(tree: TreeModel) -> Catalog:
    from dectree.model.catalog import LoadedTree

    return Catalog(trees={tree.id: LoadedTree(tree, "big.yaml", "0", {})})  # type: ignore[arg-type]
