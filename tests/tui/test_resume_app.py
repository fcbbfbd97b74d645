"""The app side of session records: a resumed walk, its notice, journaling on, the export key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Static

from dectree.app.app import DectreeApp, build_app
from dectree.app.screens.confirm import ConfirmScreen
from dectree.app.widgets.header import WalkHeader
from dectree.app.widgets.path_panel import PathPanel
from dectree.engine.session import Session
from dectree.model.catalog import Catalog, load_catalog
from dectree.records.paths import journal_files
from dectree.records.reader import read_journal
from dectree.records.resume import prepare_resume
from dectree.records.writer import Recorder
from tests.tui.conftest import NOW, TODAY, frozen_clock
from tests.tui.helpers import ready, screen_text, walk

TREES = Path(__file__).resolve().parents[1] / "unit" / "fixtures" / "records"
STARTED = NOW - dt.timedelta(minutes=12)


@pytest.fixture(scope="module")
def records() -> Catalog:
    catalog = load_catalog([str(TREES)])
    assert not catalog.problems
    return catalog


def interrupted(directory: Path, catalog: Catalog) -> Path:
    """A journal left by a walk that died at its fourth step, with a note on the second."""
    moments = iter(STARTED + dt.timedelta(minutes=m) for m in range(100))
    session = Session(catalog, clock=lambda: next(moments), session_id="feed" * 8)
    recording = Recorder(directory, engineer="alice", host="ops-box", incident="INC-42")(session)
    session.start("net")
    session.set_variable("host", "web-01")
    session.choose("No")
    session.note("NIC was [b]down[/b]")
    session.proceed()
    session.choose(0)
    assert recording.file is not None
    recording.file.close()  # the process died
    files = journal_files(directory)
    assert len(files) == 1
    return files[0]


def resumed_app(directory: Path, catalog: Catalog) -> tuple[DectreeApp, Recorder, Path]:
    path = interrupted(directory, catalog)
    journal = read_journal(path)
    resumed = prepare_resume(journal, catalog, clock=frozen_clock)
    recorder = Recorder(directory, engineer="bob", host="ops-box", clock=frozen_clock)
    recorder.resume(resumed.session, journal)
    app = build_app(
        catalog,
        incident=journal.header.incident,
        attach=[recorder],
        resume=resumed.session,
        notice="The tree 'net' changed since this session [red]",
        clock=frozen_clock,
        today=TODAY,
    )
    return app, recorder, path


async def test_a_resumed_walk_opens_where_it_stood(tmp_path: Path, records: Catalog) -> None:
    app, _, _ = resumed_app(tmp_path, records)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = walk(pilot.app)
        assert screen.session.current.node_id == "port-open"
        assert [s.answer for s in screen.session.path] == ["No", "Done", "Yes | it answers", None]
        text = screen_text(pilot.app)
        assert "Does the service port accept connections?" in text
        path_panel = screen.query_one(PathPanel)
        panel = "\n".join(str(o.prompt) for o in path_panel.options)
        assert "→ Done ✎" in panel.splitlines()[1]  # step 2 on one line, its note marked
        path_panel._mouse_hovering_over = 1
        # The note in full, as typed (no markup), in the step's tooltip.
        assert "✎ NIC was [b]down[/b]" in str(path_panel.tooltip)
        assert "INC-42" in text
        # The clock counts from the session's real start, 12 minutes ago.
        assert screen.query_one(WalkHeader).elapsed() == dt.timedelta(minutes=12)
        notices = [n.message for n in pilot.app._notifications]
        assert notices == ["The tree 'net' changed since this session [red]"]


async def test_answers_after_resume_go_to_the_same_journal(
    tmp_path: Path, records: Catalog
) -> None:
    app, _, path = resumed_app(tmp_path, records)
    before = len(read_journal(path).events)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("2")  # Closed
        await pilot.pause()
        assert walk(pilot.app).session.current.node_id == "firewall"
        after = read_journal(path)
        assert [e.type for e in after.events[before:]] == ["answered"]
        assert after.resumes[0].engineer == "bob"
    assert journal_files(tmp_path) == [path]


async def test_export_key_writes_markdown_and_copies_it(
    tmp_path: Path, records: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    app, _, _ = resumed_app(tmp_path / "sessions", records)
    out = tmp_path / "sessions" / "exports"  # beside the journals, not where dectree started
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert list(cwd.iterdir()) == []
        written = sorted(out.iterdir())
        assert [p.name for p in written] == [f"dectree-{STARTED:%Y%m%d-%H%M}-feedfeed.md"]
        markdown = written[0].read_text()
        assert markdown.startswith("# Troubleshooting record: Service \\| unreachable (INC-42)")
        assert "| 2 | *Action:* Restart the host's network service. | Done |" in markdown
        assert "NIC was \\[b\\]down\\[/b\\]" in markdown
        assert pilot.app.clipboard == markdown
        messages = [n.message for n in pilot.app._notifications]
        assert messages[-1] == f"Exported to {written[0]} (Markdown, also copied to the clipboard)"
        await pilot.press("e")  # exporting again refreshes the same file
        await pilot.pause()
        assert sorted(out.iterdir()) == written


async def test_new_walks_from_the_app_are_journaled(tmp_path: Path, records: Catalog) -> None:
    recorder = Recorder(tmp_path, engineer="carol", host="h", incident="INC-1")
    app = build_app(
        records, tree="db", attach=[recorder], clock=frozen_clock, today=TODAY, incident="INC-1"
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("1")
        await pilot.pause()
        [path] = journal_files(tmp_path)
        journal = read_journal(path)
        assert journal.header.engineer == "carol" and journal.header.incident == "INC-1"
        assert [e.type for e in journal.events] == ["started", "answered"]


def header_text(app: DectreeApp) -> str:
    return str(walk(app).query_one("#header-meta", Static).render())


async def test_a_journal_that_cannot_be_written_holds_the_walk_until_the_engineer_chooses(
    tmp_path: Path, records: Catalog
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    recorder = Recorder(blocked / "sessions", engineer="x", host="h")
    app = build_app(records, tree="db", attach=[recorder], clock=frozen_clock, today=TODAY)
    from dectree.commands.recording import report_errors_in

    report_errors_in(recorder, app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmScreen), type(dialog).__name__  # shown at once
        assert "The walk cannot be recorded" in dialog.message
        assert "not a directory" in dialog.message.lower()
        await pilot.press("1")  # no step is taken while it asks
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")  # retry: still failing, so it asks again
        await pilot.pause()
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")  # carry on unrecorded
        await pilot.pause()
        screen = walk(pilot.app)
        assert screen.session.step_index == 0
        assert "NOT RECORDED (1 waiting)" in header_text(pilot.app)
        await pilot.press("1")  # the walk goes on, still unrecorded, without asking again
        await pilot.pause()
        assert walk(pilot.app).session.step_index == 1
        assert "NOT RECORDED (2 waiting)" in header_text(pilot.app)
        blocked.unlink()  # the problem goes away: the next step writes everything
        await pilot.press("1")
        await pilot.pause()
        assert "NOT RECORDED" not in header_text(pilot.app)
        [path] = journal_files(blocked / "sessions")
        events = read_journal(path).events
        assert [e.seq for e in events] == [e.seq for e in walk(pilot.app).session.events]


async def test_a_journal_that_cannot_be_reopened_is_shown_when_the_resumed_walk_opens(
    tmp_path: Path, records: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only sessions directory: reopening fails before the app runs."""
    import os

    path = interrupted(tmp_path, records)
    journal = read_journal(path)
    resumed = prepare_resume(journal, records, clock=frozen_clock)
    real_open = os.open

    def read_only(name: object, flags: int, *args: int) -> int:
        if str(name) == str(path) and flags & os.O_WRONLY:
            raise PermissionError(13, "Permission denied")
        return real_open(name, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", read_only)
    recorder = Recorder(tmp_path, engineer="bob", host="h", clock=frozen_clock)
    listener = recorder.resume(resumed.session, journal)
    assert listener.error is not None and "Permission denied" in listener.error
    app = build_app(
        records, attach=[recorder], resume=resumed.session, clock=frozen_clock, today=TODAY
    )
    from dectree.commands.recording import report_errors_in

    report_errors_in(recorder, app)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        assert "Permission denied" in pilot.app.screen.message
        monkeypatch.setattr(os, "open", real_open)
        await pilot.press("y")  # retry now works: the resumed record is written
        await pilot.pause()
        assert walk(pilot.app).session.current.node_id == "port-open"
        assert "NOT RECORDED" not in header_text(pilot.app)
    assert len(read_journal(path).resumes) == 1


async def test_a_finished_session_reopened_exports_its_journal(
    tmp_path: Path, records: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sessions = tmp_path / "sessions"
    path = interrupted(sessions, records)
    resumed = prepare_resume(read_journal(path), records, clock=frozen_clock)
    recorder = Recorder(sessions, engineer="bob", host="h", clock=frozen_clock)
    recorder.resume(resumed.session, read_journal(path))
    resumed.session.choose("Closed")
    resumed.session.confirm_fixed(True)
    finished = prepare_resume(read_journal(path), records).session  # reopened, only shown
    viewer = Recorder(sessions, engineer="zed", host="h")
    app = build_app(records, attach=[viewer], resume=finished, clock=frozen_clock, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert list(tmp_path.glob("dectree-*.md")) == []  # not where dectree started
        [written] = (sessions / "exports").glob("dectree-*.md")
        markdown = written.read_text()
        assert "| **Engineer** | alice on ops-box |" in markdown  # from the journal, not "zed"
        assert "Resumed by bob on h" in markdown
        assert "| **Outcome** | Fixed (the engineer's answer at step 5) |" in markdown
        assert "| **What the tree offers** | a fix |" in markdown
