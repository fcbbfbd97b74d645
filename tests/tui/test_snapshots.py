"""Snapshot tests of the main screens, at 80x24 (and the walk at 120x40).

Time is frozen, the cursor does not blink, nothing shows a host, a version or
the clock. Update with `pytest tests/tui --snapshot-update`, then look at the
SVGs (snapshot_report.html) before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from dectree.app.app import DectreeApp

MakeApp = Callable[..., DectreeApp]
Snap = Callable[..., bool]

SMALL = (80, 24)
LARGE = (120, 40)
VARS = {"host": "web-01"}


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_home(snap_compare: Snap, make_app: MakeApp) -> None:
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=settle)


def test_search_results(snap_compare: Snap, make_app: MakeApp) -> None:
    assert snap_compare(make_app(), terminal_size=SMALL, press=list("restart"), run_before=settle)


def test_walk(snap_compare: Snap, make_app: MakeApp) -> None:
    app = make_app(tree="net", incident="INC-4711", variables=VARS)
    assert snap_compare(app, terminal_size=SMALL, run_before=settle)


def test_walk_large(snap_compare: Snap, make_app: MakeApp) -> None:
    app = make_app(tree="net", incident="INC-4711", variables=VARS)
    assert snap_compare(app, terminal_size=LARGE, press=["1"], run_before=settle)


def test_outline(snap_compare: Snap, make_app: MakeApp) -> None:
    app = make_app(tree="net", variables=VARS)
    assert snap_compare(app, terminal_size=SMALL, press=["1", "1", "o"], run_before=settle)


def test_conclusion(snap_compare: Snap, make_app: MakeApp) -> None:
    app = make_app(tree="net", incident="INC-4711", variables=VARS)
    assert snap_compare(app, terminal_size=SMALL, press=["1", "1", "1"], run_before=settle)


def test_escalation(snap_compare: Snap, make_app: MakeApp) -> None:
    app = make_app(tree="net", incident="INC-4711", variables=VARS)
    assert snap_compare(app, terminal_size=SMALL, press=["1", "1", "1", "2"], run_before=settle)


def test_escalation_path_offered(snap_compare: Snap, make_app: MakeApp) -> None:
    app = make_app(tree="db", at="pool")
    assert snap_compare(app, terminal_size=SMALL, press=["2"], run_before=settle)


def test_help(snap_compare: Snap, make_app: MakeApp) -> None:
    app = make_app(tree="net", variables=VARS)
    assert snap_compare(app, terminal_size=SMALL, press=["question_mark"], run_before=settle)


def test_walk_light_theme(snap_compare: Snap, make_app: MakeApp) -> None:
    async def light(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "textual-light"
        await settle(pilot)

    app = make_app(tree="net", incident="INC-4711", variables=VARS)
    assert snap_compare(app, terminal_size=SMALL, run_before=light)


def test_hostile_walk(snap_compare: Snap, make_app: MakeApp) -> None:
    app = make_app(tree="hostile")
    assert snap_compare(app, terminal_size=SMALL, run_before=settle)


def test_copy_mode(snap_compare: Snap, make_app: MakeApp) -> None:
    """After `c` at a step with two commands: the commands, numbered, in the choices box."""
    app = make_app(tree="net", incident="INC-4711", variables=VARS)
    assert snap_compare(app, terminal_size=SMALL, press=["c"], run_before=settle)


def test_variables_dialog(snap_compare: Snap, make_app: MakeApp) -> None:
    """`v`: this step's variables first, bordered fields, the example as help text."""
    app = make_app(tree="net", at="listening", variables=VARS)
    assert snap_compare(app, terminal_size=SMALL, press=["v"], run_before=settle)


def test_eight_answers(snap_compare: Snap) -> None:
    """Eight answers at 80x24: half the column at most, and which answers are below."""
    from dectree.app.app import build_app
    from dectree.model.catalog import load_catalog
    from tests.tui.conftest import TODAY, frozen_clock
    from tests.tui.test_walk_edges import WIDE

    app = build_app(load_catalog([str(WIDE)]), tree="eight", clock=frozen_clock, today=TODAY)
    assert snap_compare(app, terminal_size=SMALL, run_before=settle)


def test_escalated_walk_ended(snap_compare: Snap) -> None:
    """An L2 hand-off that ends the walk: the finished banner, the clock stopped."""
    from dectree.app.app import build_app
    from dectree.model.catalog import load_catalog
    from tests.tui.conftest import TODAY, frozen_clock
    from tests.tui.test_walk_edges import HANDOFF

    app = build_app(
        load_catalog([str(HANDOFF)]), tree="disk", incident="INC-7", clock=frozen_clock, today=TODAY
    )
    assert snap_compare(app, terminal_size=SMALL, press=["1", "2", "2"], run_before=settle)
