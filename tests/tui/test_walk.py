"""Pilot tests: every way through a walk, by keyboard and by mouse."""

from __future__ import annotations

from collections.abc import Callable

from dectree.app.app import DectreeApp
from dectree.app.widgets.choice_list import ChoiceList
from dectree.app.widgets.header import WalkHeader
from dectree.app.widgets.path_panel import PathPanel
from dectree.engine.events import Answered, Reopened, SessionOutcome, WentBack
from dectree.engine.session import SessionState
from tests.tui.conftest import Recorder
from tests.tui.helpers import screen_text, walk, widget_text

MakeApp = Callable[..., DectreeApp]


async def test_choose_by_number(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        session = walk(app).session
        assert session.current.node_id == "start"
        await pilot.press("2")
        await pilot.pause()
        assert session.current.node_id == "fix-dns"
        assert session.path[0].answer == "No, NXDOMAIN"
        assert "Missing DNS record" in screen_text(app)


async def test_choose_with_arrows_and_enter(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "up", "enter")
        await pilot.pause()
        assert walk(app).session.current.node_id == "fix-dns"


async def test_choose_with_the_mouse(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # Row 0 is the border; the options follow one per line.
        await pilot.click(ChoiceList, offset=(6, 2))
        await pilot.pause()
        assert walk(app).session.current.node_id == "fix-dns"


async def test_a_number_without_a_choice_changes_nothing(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("9")
        await pilot.pause()
        assert walk(app).session.current.node_id == "start"
        assert len(walk(app).session.path) == 1


async def test_back_with_b_and_backspace(make_app: MakeApp, recorder: Recorder) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1", "1", "1")  # resolves, nothing listens, restart done
        await pilot.pause()
        session = walk(app).session
        assert session.current.node_id == "after-restart"
        await pilot.press("b")
        await pilot.pause()
        assert session.current.node_id == "restart"
        await pilot.press("backspace")
        await pilot.pause()
        assert session.current.node_id == "listening"
        assert [type(e) for e in recorder.events[-2:]] == [WentBack, WentBack]
        assert "Is anything listening on the port?" in screen_text(app)


async def test_back_on_the_first_step_explains(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert walk(app).session.current.node_id == "start"
        assert any("first step" in n.message for n in app._notifications)


async def test_reopen_an_earlier_step_from_the_path_panel(
    make_app: MakeApp, recorder: Recorder
) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1", "1", "1")
        await pilot.pause()
        session = walk(app).session
        assert len(session.path) == 4
        await pilot.press("p")  # focus the path panel (on the current step)
        assert app.focused is app.screen.query_one(PathPanel)
        await pilot.press("up", "up", "up", "enter")  # step 1
        await pilot.pause()
        assert session.current.node_id == "start"
        assert len(session.path) == 1
        assert isinstance(recorder.events[-1], Reopened)
        assert app.focused is app.screen.query_one(ChoiceList)


async def test_reopen_by_clicking_the_path(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1", "1")
        await pilot.pause()
        panel = app.screen.query_one(PathPanel)
        # One line per step: step 1 (cut to fit, with its answer), then the current one.
        lines = widget_text(panel).splitlines()
        assert len(lines) == 3 and lines[2].startswith("▶ ") and "→" in lines[0]
        await pilot.click(PathPanel, offset=(3, 1))  # step 1
        await pilot.pause()
        assert walk(app).session.current.node_id == "start"


async def test_note_on_the_current_step(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"NX [red]", "ctrl+s")
        await pilot.pause()
        session = walk(app).session
        assert session.current.note == "NX [red]"
        panel = app.screen.query_one(PathPanel)
        assert widget_text(panel).endswith("✎")  # marked on the step's line
        panel._mouse_hovering_over = 0
        assert "✎ NX [red]" in str(panel.tooltip)  # in full, as typed, on hover
        assert "NX [red]" in screen_text(app)


async def test_note_cancelled_with_escape(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n", *"draft", "escape")
        await pilot.pause()
        assert walk(app).session.current.note is None


async def test_note_on_an_earlier_step_from_the_path(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("p", "up", "n", *"ok", "ctrl+s")
        await pilot.pause()
        session = walk(app).session
        assert session.path[0].note == "ok"
        assert session.current.note is None


async def test_variables_fill_the_commands(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "$ dig +short {host}" in screen_text(app)
        await pilot.press("v")
        await pilot.pause()
        await pilot.press(*"web 01", "enter")  # a value with a space is quoted
        await pilot.pause()
        session = walk(app).session
        assert session.value("host") == "web 01"
        assert "$ dig +short 'web 01'" in screen_text(app)
        await pilot.press("c", "1")
        await pilot.pause()
        assert app.clipboard == "dig +short 'web 01'"


async def test_secret_variables_are_masked_but_copied(make_app: MakeApp) -> None:
    app = make_app(tree="net", variables={"host": "web-01"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("v", "tab")  # host, then token (order of use)
        await pilot.press(*"s3cr3t", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "s3cr3t" not in text
        assert "Bearer ••••••" in text
        await pilot.press("c", "2")
        await pilot.pause()
        assert app.clipboard == (
            "curl -sS -H 'Authorization: Bearer s3cr3t' https://web-01:443/health"
        )


async def test_copy_with_a_single_command_needs_no_number(make_app: MakeApp) -> None:
    app = make_app(tree="net", at="listening", variables={"host": "db-1"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == "ssh db-1 ss -ltn sport = :443"


async def test_copy_mode_is_cancelled_by_escape(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        assert "Copy command 1-2?" in app.screen.query_one(ChoiceList).border_title
        await pilot.press("escape", "1")
        await pilot.pause()
        assert app.clipboard == ""
        assert walk(app).session.current.node_id == "listening"


async def test_link_into_another_tree_and_back_out(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(WalkHeader)
        await pilot.press("3")  # into db:start
        await pilot.pause()
        session = walk(app).session
        assert session.current.ref == "db:start"
        assert widget_text(header.query_one("#header-title")) == "Database connections"
        assert "↪ Database connections" in widget_text(app.screen.query_one(PathPanel))
        await pilot.press("b")
        await pilot.pause()
        assert session.current.ref == "net:start"
        assert widget_text(header.query_one("#header-title")) == "Service unreachable"


async def test_resolved_conclusion(make_app: MakeApp) -> None:
    app = make_app(tree="net", at="after-restart")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for part in ("FIX", "Root cause", "Resolution", "Verify", "Roll back"):
            assert part in text
        await pilot.press("1")
        await pilot.pause()
        session = walk(app).session
        assert session.outcome is SessionOutcome.resolved
        assert "Walk finished: Resolved" in screen_text(app)


async def test_workaround_conclusion(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("2", "1")
        await pilot.pause()
        assert walk(app).session.outcome is SessionOutcome.workaround


async def test_escalate_conclusion_shows_the_contact(make_app: MakeApp) -> None:
    app = make_app(tree="net", at="packets")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "ESCALATE · L2" in text
        assert "Network SRE" in text and "pager network-sre" in text
        await pilot.press("1")
        await pilot.pause()
        session = walk(app).session
        assert session.outcome is SessionOutcome.escalated
        assert session.events[-1].level == "L2"  # type: ignore[union-attr]


async def test_not_fixed_follows_to_the_escalation_node(make_app: MakeApp) -> None:
    app = make_app(tree="net", at="after-restart")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        session = walk(app).session
        assert session.current.node_id == "to-l2"
        text = screen_text(app)
        for part in ("ESCALATE TO L2", "Network SRE", "pager network-sre", "Attach",
                     "The last 200 lines of the service log"):
            assert part in text
        await pilot.press("1")
        await pilot.pause()
        assert session.outcome is SessionOutcome.escalated


async def test_not_fixed_without_a_next_step_offers_the_escalation_path(
    make_app: MakeApp,
) -> None:
    app = make_app(tree="db", at="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        session = walk(app).session
        assert session.state is SessionState.awaiting_escalation
        text = screen_text(app)
        assert "Escalate to L3: Database engineering" in text
        assert "#db-eng" in text
        await pilot.press("1")
        await pilot.pause()
        assert session.outcome is SessionOutcome.escalated
        assert session.events[-1].level == "L3"  # type: ignore[union-attr]


async def test_end_without_escalating_is_abandoned(make_app: MakeApp) -> None:
    app = make_app(tree="db", at="pool")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("2", "2")
        await pilot.pause()
        assert walk(app).session.outcome is SessionOutcome.abandoned


async def test_after_the_end_start_another_walk(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("2", "1")  # workaround, finished
        await pilot.pause()
        await pilot.press("1")  # start another walk
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_every_answer_is_an_engine_event(make_app: MakeApp, recorder: Recorder) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        answered = [e for e in recorder.events if isinstance(e, Answered)]
        assert [(e.node_id, e.label) for e in answered] == [("start", "Yes, it resolves")]
