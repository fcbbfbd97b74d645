"""The rough edges found in real walks (issue 12), each as the engineer meets it.

Copy mode lists the commands, the choices say what is scrolled below, the
footer keeps its most used keys first, the incident id can be set with `i`,
the clock stops when the walk ends, an L2 hand-off can end the walk, prose is
filled with known values, the variables dialog puts this step's variables
first, exports land under the sessions directory, the outline shows a whole
line, and the home screen's help lists the walk keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from dectree.app.app import DectreeApp, build_app
from dectree.app.screens.ask import AskScreen
from dectree.app.screens.help import HelpScreen
from dectree.app.screens.outline import OutlineScreen
from dectree.app.screens.variables import VariablesScreen
from dectree.app.widgets.choice_list import ChoiceList, hidden_below
from dectree.app.widgets.header import WalkHeader
from dectree.engine.events import Finished, IncidentSet
from dectree.engine.session import SessionState
from dectree.model.catalog import Catalog, load_catalog
from dectree.records.reader import read_journal
from dectree.records.writer import Recorder
from tests.tui.conftest import NOW, TODAY, frozen_clock
from tests.tui.helpers import ready, screen_text, walk, widget_text

MakeApp = Callable[..., DectreeApp]
WIDE = Path(__file__).parent / "fixtures_wide"
HANDOFF = Path(__file__).parents[1] / "unit" / "fixtures" / "handoff"


def rendered(app: DectreeApp) -> list[str]:
    """The lines of the screen as drawn (the footer included)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def loaded(path: Path) -> Catalog:
    catalog = load_catalog([str(path)])
    assert not catalog.problems, catalog.problems
    return catalog


# -- copy mode -----------------------------------------------------------------------


async def test_a_command_with_hidden_characters_is_copied_with_them_as_escapes(
    tmp_path: Path,
) -> None:
    """An ESC or a bidi override in a tree's command would paste into a shell something
    other than what the screen shows: the clipboard gets escapes, and a warning says so."""
    text = (Path(__file__).parent / "fixtures" / "net.yaml").read_text(encoding="utf-8")
    line = "run: ssh {host} ss -ltn sport = :{port}"
    assert line in text
    hostile = 'run: "ssh {host} ss -ltn \\u202e\\e[2J sport = :{port}"'  # YAML escapes
    (tmp_path / "net.yaml").write_text(text.replace(line, hostile), encoding="utf-8")
    app = build_app(loaded(tmp_path), tree="net", at="listening", variables={"host": "db-1"},
                    clock=frozen_clock, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == "ssh db-1 ss -ltn \\u202e\\x1b[2J sport = :443"
        assert not any(ch in app.clipboard for ch in "\u202e\x1b")
        assert any("control or invisible characters" in n.message for n in app._notifications)



async def test_copy_mode_lists_the_commands_not_the_answers(make_app: MakeApp) -> None:
    app = make_app(tree="net", variables={"host": "web-01"})
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        choices = app.screen.query_one(ChoiceList)
        answers = widget_text(choices)
        await pilot.press("c")
        await pilot.pause()
        listed = widget_text(choices)
        assert choices.border_title is not None and "Copy command 1-2?" in choices.border_title
        assert "1  $ dig +short web-01" in listed
        assert "2  $ curl -sS -H 'Authorization: Bearer {token}' https://web-01:" in listed
        assert listed != answers and "Yes" not in listed
        await pilot.press("2")
        await pilot.pause()
        assert app.clipboard.startswith("curl -sS -H 'Authorization: Bearer {token}'")
        assert widget_text(choices) == answers  # back to the answers
        assert walk(app).session.current.node_id == "start"  # "2" copied, did not answer


async def test_copy_mode_enter_copies_and_escape_cancels(make_app: MakeApp) -> None:
    app = make_app(tree="net", variables={"host": "web-01"})
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("c", "escape")
        await pilot.pause()
        assert "Choose" in str(app.screen.query_one(ChoiceList).border_title)
        await pilot.press("c", "enter")
        await pilot.pause()
        assert app.clipboard == "dig +short web-01"
        assert walk(app).session.current.node_id == "start"


# -- choices, footer, help ------------------------------------------------------------


def test_hidden_below_names_the_choices_out_of_sight() -> None:
    assert hidden_below([0, 2, 3, 5, 6], top=0, height=4) == [3, 4]
    assert hidden_below([0, 1, 2], top=0, height=3) == []
    assert hidden_below([0, 2, 3, 5, 6], top=2, height=4) == [4]
    assert hidden_below([0, 2, 3, 5, 6], top=3, height=4) == []


async def test_eight_answers_at_80x24_say_what_is_below() -> None:
    app = build_app(loaded(WIDE), tree="eight", clock=frozen_clock, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        choices = app.screen.query_one(ChoiceList)
        main = app.screen.query_one("#main")
        # The reading pane keeps at least half of the column.
        assert choices.outer_size.height <= main.size.height // 2
        hidden = choices.below()
        assert hidden, "eight answers, two of them long, do not fit in half of 22 rows"
        first, last = hidden[0] + 1, hidden[-1] + 1
        assert last == 8
        assert choices.border_subtitle == (f"↓ {first}-{last} below" if first < last else f"↓ {last} below")
        await pilot.press("end")
        await pilot.pause()
        await pilot.pause()
        assert choices.below() == [] and choices.border_subtitle == ""


async def test_eight_short_answers_all_show_at_100x30() -> None:
    app = build_app(loaded(WIDE), tree="eight", clock=frozen_clock, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        choices = app.screen.query_one(ChoiceList)
        assert choices.below() == [] and choices.border_subtitle == ""
        assert "8  None of these" in widget_text(choices)


async def test_footer_shows_export_variables_and_incident_at_100_columns(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        footer = rendered(app)[-1]
        for item in ("1-9 Choose", "c Copy", "b Back", "v Vars", "n Note", "? Help",
                     "e Export", "i Incident", "o Tree", "/ Search", "q Quit", "^p palette"):
            assert item in footer, item


async def test_footer_at_80_columns_keeps_the_first_keys(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        footer = rendered(app)[-1]
        for item in ("1-9 Choose", "c Copy", "b Back", "v Vars", "n Note", "? Help", "e Export"):
            assert item in footer, item


async def test_home_help_lists_the_walk_keys_and_help_once(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        footer = rendered(app)[-1]
        assert footer.count("Help") == 1
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "During a walk" in text
        for word in ("Copy", "Vars", "Incident", "Export", "Back"):
            assert word in text, word


async def test_home_footer_shows_help_once_after_a_walk(make_app: MakeApp) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        app.go_home()
        await pilot.pause()
        footer = rendered(app)[-1]
        assert footer.count("Help") == 1, footer


# -- incident, clock, hand-off ------------------------------------------------------------


async def test_incident_key_sets_and_records_the_incident(tmp_path: Path, catalog: Catalog) -> None:
    recorder = Recorder(tmp_path, engineer="e", host="h")
    app = build_app(catalog, tree="net", attach=[recorder], clock=frozen_clock, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert "no incident id" in screen_text(app)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"INC-77 [b]", "enter")
        await pilot.pause()
        session = walk(app).session
        assert session.incident == "INC-77 [b]"
        assert isinstance(session.events[-1], IncidentSet)
        assert "INC-77 [b]" in screen_text(app)  # as typed, not markup
        assert recorder.incident == "INC-77 [b]"  # the next walk's journal header too
        [path] = tmp_path.glob("*.jsonl")
        assert [e.incident for e in read_journal(path).events if isinstance(e, IncidentSet)] == [
            "INC-77 [b]"
        ]


async def test_the_clock_stops_when_the_walk_ends(catalog: Catalog) -> None:
    now = [NOW]
    app = build_app(catalog, tree="net", at="fix-dns", clock=lambda: now[0], today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        now[0] = NOW + dt.timedelta(seconds=75)
        await pilot.press("1")  # Fixed
        await pilot.pause()
        assert walk(app).session.state is SessionState.finished
        header = app.screen.query_one(WalkHeader)
        assert header.elapsed() == dt.timedelta(seconds=75)
        now[0] = NOW + dt.timedelta(hours=2)
        assert header.elapsed() == dt.timedelta(seconds=75)
        header._tick()
        assert "ended 01:15" in screen_text(app)


async def test_an_l2_hand_off_can_end_the_walk_escalated() -> None:
    app = build_app(loaded(HANDOFF), tree="disk", at="hand-l2", clock=frozen_clock, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        text = widget_text(app.screen.query_one(ChoiceList))
        assert "1  Escalated: continue while waiting" in text
        assert "2  Handed over to L2: end the walk" in text
        await pilot.press("2")
        await pilot.pause()
        session = walk(app).session
        last = session.events[-1]
        assert isinstance(last, Finished) and (last.outcome.value, last.level) == ("escalated", "L2")


# -- prose, variables, exports, outline --------------------------------------------------------


async def test_known_values_are_filled_into_prose(make_app: MakeApp) -> None:
    app = build_app(
        loaded(HANDOFF), tree="disk", variables={"mount": "/srv [b]"}, clock=frozen_clock, today=TODAY
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "Which kind of space ran out on /srv [b]?" in text
        assert "{mount}" not in text


async def test_variables_dialog_puts_this_steps_variables_first(make_app: MakeApp) -> None:
    app = make_app(tree="net", at="listening", variables={"host": "web-01"})
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, VariablesScreen)
        text = screen_text(app)
        assert "Needed at this step (2)" in text and "Other variables" in text
        assert text.index("{host}") < text.index("Other variables") < text.index("{token}")
        assert "e.g." not in text  # the example is help text, not a placeholder
        fields = list(app.screen.query(Input))
        assert fields[0].id == "var-host" and fields[0].value == "web-01"
        assert all(not field.compact for field in fields)  # bordered, like input fields
        # The list scrolls: the last field can be reached within 24 rows.
        await pilot.press("tab", "tab")
        await pilot.pause()
        focused = app.screen.focused
        assert isinstance(focused, Input) and focused.id == "var-token"
        assert focused.region.bottom <= 24


async def test_export_lands_under_the_sessions_directory_or_where_asked(
    tmp_path: Path, catalog: Catalog
) -> None:
    sessions = tmp_path / "sessions"
    recorder = Recorder(sessions, engineer="e", host="h")
    app = build_app(catalog, tree="net", attach=[recorder], clock=frozen_clock, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await pilot.pause()
        [written] = (sessions / "exports").glob("dectree-*.md")
        assert app._notifications and str(written) in list(app._notifications)[-1].message
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        field = app.screen.query_one(Input)
        assert field.value == str(written)  # the default is offered
        field.value = str(tmp_path / "ticket")
        (tmp_path / "ticket").mkdir()
        await pilot.press("enter")
        await pilot.pause()
        assert [p.name for p in (tmp_path / "ticket").iterdir()] == [written.name]


async def test_outline_shows_the_highlighted_line_in_full(make_app: MakeApp) -> None:
    app = make_app(tree="hostile")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OutlineScreen)
        full = widget_text(app.screen.query_one("#outline-full"))
        assert full.strip()
        await pilot.press("right")
        await pilot.pause()
        assert app.screen.query_one("#outline").scroll_x >= 0


async def test_the_path_panel_shows_the_highlighted_step_in_full_while_focused(
    make_app: MakeApp,
) -> None:
    app = make_app(tree="net")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("n", *"NIC | was down [b]", "ctrl+s")
        await pilot.pause()
        await pilot.press("1", "1")  # two answers after the noted step
        await pilot.pause()
        detail = app.screen.query_one("#path-detail")
        assert not detail.display
        await pilot.press("p", "up", "up")  # the path panel, step 1
        await pilot.pause()
        assert detail.display
        text = widget_text(detail)
        assert text.startswith("1. Does the name resolve") and "→ Yes, it resolves" in text
        assert "✎ NIC | was down [b]" in text  # the note in full, as typed
        await pilot.press("p")  # back to the choices
        await pilot.pause()
        assert not detail.display
