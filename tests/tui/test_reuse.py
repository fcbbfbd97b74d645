"""The walk screen reuses its widgets from step to step; what it shows must not depend on it.

`NodeView` refills the widgets of the previous node and `PathPanel` replaces
only the entries that changed (see their modules). These tests walk the
fixture trees every way (choose, proceed, back, reopen, a jump into another
tree, notes, variables) and compare, at every stop, what is on screen with
what a fresh view shows: a new app opened at the same node, or a path panel
rebuilt from nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Markdown, Static

from dectree.app.app import DectreeApp, build_app
from dectree.app.screens.walk import WalkScreen
from dectree.app.widgets.node_view import NodeView
from dectree.app.widgets.path_panel import PathPanel
from dectree.engine.session import Session
from dectree.model.catalog import Catalog, LoadedTree
from dectree.model.tree import Tree as TreeModel
from tests.tui.conftest import TODAY, frozen_clock
from tests.tui.helpers import widget_text

MakeApp = Callable[..., DectreeApp]
SIZE = (100, 40)


def session_of(app: DectreeApp) -> Session:
    screen = app.screen
    assert isinstance(screen, WalkScreen), type(screen).__name__
    return screen.session


def shown(widget: Widget) -> object:
    """A Static's content with its styles (spans), else its plain text."""
    visual = widget.render() if isinstance(widget, Static) else None
    if isinstance(visual, Content):
        return (visual.plain, tuple(visual.spans))
    return widget_text(widget)


def describe(widget: Widget) -> list[object]:
    """What a container shows, child by child: kind, classes, text and styles, children;
    hidden children left out."""
    out: list[object] = []
    for child in widget.children:
        if not child.display:
            continue
        source = child.source if isinstance(child, Markdown) else None
        out.append(
            (type(child).__name__, sorted(child.classes), source, shown(child), describe(child))
        )
    return out


async def fresh_node_view(make_app: MakeApp, session: Session) -> list[object]:
    """The node view of a new app opened at the session's current node, with its variables."""
    step = session.current
    app = make_app(tree=step.tree_id, at=step.node_id, variables=dict(session.variables))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        return describe(app.screen.query_one(NodeView))


async def test_node_view_refilled_shows_what_a_fresh_view_shows(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    moves: list[Callable[[Session], object]] = [
        lambda s: s.choose(0),  # start -> listening: question after question
        lambda s: s.choose(0),  # -> restart: an action (other sections)
        lambda s: s.set_variable("host", "web-02"),  # same node, commands filled again
        Session.proceed,  # -> after-restart: a conclusion (step containers)
        Session.back,  # back to the action
        Session.back,  # back to a question
        lambda s: s.choose(1),  # -> packets: an escalating conclusion
        Session.back,
        Session.back,  # start: detail Markdown again after a node without it
        lambda s: s.choose(2),  # -> db:start, another tree
        lambda s: s.choose(1),  # -> net:listening, back in the first tree
    ]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = session_of(app)
        for number, move in enumerate(moves, 1):
            move(session)
            await pilot.pause()
            shown = describe(app.screen.query_one(NodeView))
            expected = await fresh_node_view(make_app, session)
            assert shown == expected, f"after move {number}, at {session.current.ref}"


DETAILS = [
    "One paragraph with **bold**, *emphasis* and `code`.",
    "First paragraph.\n\nSecond paragraph with `x`\nand a soft break.",
    "Only one paragraph now.",
    "- a bullet\n- another `one`\n\nthen a paragraph",
    "- same shape\n- **refilled** in place\n\nthen another paragraph",
    "A paragraph\n\n1. one\n2. two",
    "A paragraph\n\n1. three\n2. four",
    "A paragraph\n\n1. three\n2. four\n3. five",
    "A paragraph\n\n8. eight\n9. nine",
    "A paragraph\n\n9. nine\n10. ten",
    "- a loose item\n\n  with two paragraphs\n- and another",
    "- nested\n  - inner\n- outer",
    "- nested\n  - other inner\n- other outer",
    "Back to *plain* text.",
    "```\ncode block [b]not markup[/b]\n```",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "A [link](https://example.com) in [red]text[/red].",
    "Two\n\nparagraphs again.",
]


def details_tree() -> TreeModel:
    """Questions d0, d1, ... in a chain, each with one of `DETAILS`."""
    nodes: dict[str, object] = {}
    for i, detail in enumerate(DETAILS):
        nodes[f"d{i}"] = {
            "kind": "question",
            "prompt": f"Question {i}?",
            "detail": detail,
            "checks": [{"run": f"check {i}"}],
            "choices": [
                {"label": "Go on", "next": f"d{i + 1}" if i + 1 < len(DETAILS) else "end"},
                {"label": "Stop", "next": "end"},
            ],
        }
    nodes["end"] = {
        "kind": "conclusion",
        "outcome": "resolved",
        "root_cause": "Done.",
        "resolution": [{"do": "Nothing."}],
    }
    return TreeModel.model_validate(
        {
            "id": "details",
            "title": "Details",
            "version": "1",
            "purpose": "Markdown shapes.",
            "scope": "Tests.",
            "review": {
                "last_updated": "2026-01-01",
                "updated_by": "t",
                "next_review": "2099-01-01",
            },
            "start": "d0",
            "nodes": nodes,
        }
    )


async def test_markdown_refilled_across_shapes_shows_what_a_fresh_view_shows() -> None:
    tree = details_tree()
    catalog = Catalog(trees={tree.id: LoadedTree(tree, "details.yaml", "0", {})})  # type: ignore[arg-type]

    def make(**kwargs: object) -> DectreeApp:
        return build_app(catalog, clock=frozen_clock, today=TODAY, **kwargs)  # type: ignore[arg-type]

    app = make(tree="details")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = session_of(app)
        for number in range(1, len(DETAILS)):
            session.choose(0)
            await pilot.pause()
            assert session.current.node_id == f"d{number}"
            shown_now = describe(app.screen.query_one(NodeView))
            assert shown_now == await fresh_node_view(make, session), f"at d{number}"
        session.back()  # and backwards: a longer text after a shorter one
        await pilot.pause()
        assert describe(app.screen.query_one(NodeView)) == await fresh_node_view(make, session)


def panel_state(panel: PathPanel) -> tuple[object, ...]:
    """Entries, which are disabled, the measured lines and the highlight."""
    return (
        [str(option.prompt) for option in panel.options],
        [option.disabled for option in panel.options],
        list(panel._lines),
        panel.virtual_size.height,
        panel.highlighted,
    )


def rebuilt(panel: PathPanel, session: Session) -> tuple[object, ...]:
    """The state of the same panel rebuilt from nothing."""
    panel._keys = []  # forget what is shown: the next `show` sets every option again
    panel.show(session)
    return panel_state(panel)


def path_moves() -> list[Callable[[Session], object]]:
    return [
        lambda s: s.choose(0),
        lambda s: s.note("checked from the bastion"),
        lambda s: s.choose(0),
        Session.proceed,
        Session.back,
        lambda s: s.note("a note on the first step", 0),
        lambda s: s.reopen(1),
        lambda s: s.choose(1),
        Session.back,
        Session.back,
        lambda s: s.choose(2),  # into the db tree: a tree-switch line
        lambda s: s.choose(1),  # and back into net: another one
        lambda s: s.choose(1),
        lambda s: s.reopen(0),  # drop everything after the first step
    ]


async def test_path_panel_after_each_change_matches_a_rebuilt_one(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = session_of(app)
        panel = app.screen.query_one(PathPanel)
        for number, move in enumerate(path_moves(), 1):
            move(session)
            await pilot.pause()
            state = panel_state(panel)
            assert state == rebuilt(panel, session), f"after move {number}"


async def test_path_panel_after_many_changes_matches_a_rebuilt_one(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = session_of(app)
        panel = app.screen.query_one(PathPanel)
        for move in path_moves()[:-1]:
            move(session)
            await pilot.pause()
        state = panel_state(panel)
        assert len(panel.options) > 3
        assert state == rebuilt(panel, session)


async def test_path_panel_after_a_resize_or_unmeasured_matches_a_rebuilt_one(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = session_of(app)
        panel = app.screen.query_one(PathPanel)
        session.choose(0)
        await pilot.pause()
        await pilot.resize_terminal(70, 30)  # the panel measures its lines again
        session.choose(0)
        await pilot.pause()
        assert len(panel.options) == 3
        assert panel_state(panel) == rebuilt(panel, session)
        panel._line_cache.clear()  # lines not measured (yet): every entry is set again
        Session.proceed(session)
        await pilot.pause()
        assert len(panel.options) == 4
        assert panel_state(panel) == rebuilt(panel, session)
