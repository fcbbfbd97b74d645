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

from textual.widget import Widget
from textual.widgets import Markdown, Static

from dectree.app.app import DectreeApp
from dectree.app.screens.walk import WalkScreen
from dectree.app.widgets.node_view import NodeView
from dectree.app.widgets.path_panel import PathPanel
from dectree.session import Session
from tests.tui.helpers import widget_text

MakeApp = Callable[..., DectreeApp]
SIZE = (100, 40)


def session_of(app: DectreeApp) -> Session:
    screen = app.screen
    assert isinstance(screen, WalkScreen), type(screen).__name__
    return screen.session


def describe(widget: Widget) -> list[object]:
    """What a container shows, child by child: kind, classes and text; hidden children left out."""
    out: list[object] = []
    for child in widget.children:
        if not child.display:
            continue
        if isinstance(child, Markdown):
            out.append(("Markdown", child.source, describe(child)))
        elif isinstance(child, Static):
            out.append((type(child).__name__, sorted(child.classes), widget_text(child)))
        else:
            out.append((type(child).__name__, sorted(child.classes), describe(child)))
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
