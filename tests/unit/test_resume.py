"""Resume: a real `dectree run` killed with SIGKILL mid-walk comes back intact; changed trees.

The crash test drives the real app in a pseudo-terminal (as a terminal would),
waits for each answer to reach the journal, then kills the process with
SIGKILL, the way a dying terminal or an OOM kill would.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from dectree.cli import main
from dectree.engine.events import SessionOutcome
from dectree.engine.session import Session
from dectree.model.catalog import Catalog, load_catalog
from dectree.records.paths import journal_files
from dectree.records.reader import read_journal
from dectree.records.resume import prepare_resume
from tests.unit.records_support import (
    TREES,
    recorded_session,
    recorder,
    records_catalog,
    ticking,
    walk_to_escalation,
)

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(rb"\x1b(\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return records_catalog()


# -- a real process, killed ------------------------------------------------------------


class Terminal:
    """A process on a pseudo-terminal; keeps reading its output so it never blocks."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        import fcntl
        import pty
        import struct
        import termios

        master, slave = pty.openpty()
        rows, cols = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def text(self) -> str:
        """Everything shown so far, escape sequences removed."""
        return ANSI.sub(b"", bytes(self.output)).decode("utf-8", "replace")

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        os.close(self.master)


def wait_for(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def event_count(directory: Path) -> int:
    files = journal_files(directory)
    if not files:
        return 0
    return sum(1 for line in files[0].read_text().splitlines() if line.startswith('{"seq"'))


def test_sigkill_mid_walk_then_resume_has_every_step_and_note(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "DECTREE_HOME": str(tmp_path / "home"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("DECTREE_PATH", None)
    argv = [
        sys.executable, "-m", "dectree", "run", "net", str(TREES), "--incident", "INC-7",
        "--var", "host=web-01", "--sessions-dir", str(sessions), "--engineer", "dana",
    ]  # fmt: skip
    term = Terminal(argv, env, (30, 100))
    try:
        wait_for(lambda: event_count(sessions) == 2, "the walk to start (started, variable)")
        wait_for(lambda: "Choose 1-2" in term.text(), "the walk screen")
        steps = [("2", 3), ("n", 3), ("NIC was down | eth0", 3), ("\x13", 4), ("1", 5), ("1", 6)]
        shows = {"n": "Note on step 2", "NIC was down | eth0": "NIC was down | eth0"}
        for keys, events in steps:
            term.send(keys)
            if keys in shows:
                wait_for(lambda k=keys: shows[k] in term.text(), repr(shows[keys]))  # type: ignore[misc]
            wait_for(lambda n=events: event_count(sessions) >= n, f"event {events}")  # type: ignore[misc]
        assert event_count(sessions) == 6
        os.kill(term.process.pid, signal.SIGKILL)
        assert term.process.wait(10) == -signal.SIGKILL
    finally:
        term.close()

    path = journal_files(sessions)[0]
    journal = read_journal(path)
    assert journal.torn_line is None
    assert (journal.header.engineer, journal.header.incident) == ("dana", "INC-7")
    resumed = prepare_resume(journal, load_catalog([str(TREES)]))
    session = resumed.session
    assert resumed.replay.divergence is None and resumed.notice() is None
    assert [(s.node_id, s.answer) for s in session.path] == [
        ("reach", "No"),
        ("restart-nic", "Done"),
        ("reach", "Yes | it answers"),
        ("port-open", None),
    ]
    assert session.path[1].note == "NIC was down | eth0"
    assert session.variables == {"host": "web-01"}
    assert session.path[0].entered_at == journal.header.started_at  # the clock keeps counting

    shown = subprocess.run(
        [sys.executable, "-m", "dectree", "resume", "--last", "--show", "--sessions-dir",
         str(sessions), "-t", str(TREES)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[1].startswith("  1. Does `ping {host}` get an answer? [red]  ->  No")
    assert "     note: NIC was down | eth0" in lines
    assert "     variable host = web-01" in lines
    assert lines[-1] == "stands at step 4 (net:port-open), walking"

    # The real app reopens at the same step, with the note, and goes on recording.
    argv = [sys.executable, "-m", "dectree", "resume", "--last", "--sessions-dir", str(sessions),
            "-t", str(TREES), "--engineer", "erin"]  # fmt: skip
    term = Terminal(argv, env, (30, 100))
    try:
        wait_for(lambda: "Does the service port accept connections?" in term.text(), "the step")
        # Step 2's line in the path panel, its note marked (the note itself shows on hover).
        wait_for(lambda: "→ Done ✎" in term.text(), "the noted step in the path panel")
        wait_for(lambda: "Choose 1-2" in term.text(), "the choices")
        term.send("2")  # Closed
        wait_for(lambda: len(read_journal(path).events) == 7, "the new answer")
    finally:
        term.close()
    carried_on = read_journal(path)
    assert carried_on.events[:6] == journal.events
    assert [r.engineer for r in carried_on.resumes] == ["erin"]
    assert carried_on.events[-1].type == "answered" and carried_on.events[-1].label == "Closed"


# -- resuming in process ------------------------------------------------------------------


def killed_mid_walk(directory: Path, catalog: Catalog) -> Path:
    """A journal left as a killed process leaves it: three answers and a note, no finish."""
    session, journal = recorded_session(directory, catalog)
    session.start("net")
    session.set_variable("host", "web-01")
    session.set_variable("token", "s3cr3t")
    session.choose("No")
    session.note("NIC was down")
    session.proceed()
    session.choose(0)
    assert journal.path is not None and journal.file is not None
    journal.file.close()  # the process is gone: its file and lock with it
    return journal.path


def test_resume_carries_on_in_the_same_journal(tmp_path: Path, catalog: Catalog) -> None:
    path = killed_mid_walk(tmp_path, catalog)
    before = read_journal(path)
    resumed = prepare_resume(before, catalog, clock=ticking(start=before.last_at, step=5))
    assert resumed.notice() == "Secret variables are never recorded: set token again (v)."
    session = resumed.session
    assert session.value("token") is None and session.value("host") == "web-01"
    recorder(tmp_path, engineer="erin").resume(session, before)
    session.choose("Closed")
    session.confirm_fixed(True)
    after = read_journal(path)
    assert after.events[: len(before.events)] == before.events
    assert [e.type for e in after.events[len(before.events) :]] == [
        "answered",
        "fix_confirmed",
        "finished",
    ]
    assert after.outcome is SessionOutcome.resolved
    assert after.discarded == []
    assert [(r.engineer, r.keep_through, r.reason) for r in after.resumes] == [
        ("erin", before.events[-1].seq, None)
    ]
    assert journal_files(tmp_path) == [path]  # one session, one file


def test_resume_after_a_torn_write_drops_the_fragment(tmp_path: Path, catalog: Catalog) -> None:
    path = killed_mid_walk(tmp_path, catalog)
    with path.open("ab") as handle:
        handle.write(b'{"seq":9,"at":"2026-03-01T12:01:')
    torn = read_journal(path)
    assert torn.torn_line is not None
    resumed = prepare_resume(torn, catalog)
    notice = resumed.notice()
    assert notice is not None and "last line was cut off by the crash; it was dropped" in notice
    recorder(tmp_path).resume(resumed.session, torn)
    resumed.session.choose("Closed")
    clean = read_journal(path)
    assert clean.torn_line is None
    assert clean.resumes[0].torn_line_dropped
    assert clean.events[-1].type == "answered" and clean.events[-1].label == "Closed"


def changed_trees(catalog: Catalog, edit: Callable[[dict[str, object]], None]) -> dict[str, object]:
    trees: dict[str, object] = {tid: loaded.tree for tid, loaded in catalog.trees.items()}
    data = catalog.trees["net"].tree.model_dump(mode="json", exclude_none=True)
    edit(data)
    from dectree.model.tree import Tree

    trees["net"] = Tree.model_validate(data)
    return trees


def drop_restart_nic(data: dict[str, object]) -> None:
    nodes = data["nodes"]
    assert isinstance(nodes, dict)
    nodes["restart-host"] = nodes.pop("restart-nic")
    nodes["reach"]["choices"][1]["next"] = "restart-host"
    data["version"] = "2.1.0"


def test_a_changed_tree_is_named_and_the_first_missing_step_pointed_at(
    tmp_path: Path, catalog: Catalog
) -> None:
    path = killed_mid_walk(tmp_path, catalog)
    journal = read_journal(path)
    trees = changed_trees(catalog, drop_restart_nic)
    resumed = prepare_resume(journal, trees)  # type: ignore[arg-type]
    assert resumed.voided and resumed.can_open
    assert [s.node_id for s in resumed.session.path] == ["reach"]
    assert resumed.notice() == (
        "The tree 'net' changed since this session (version 2.0.0 then, 2.1.0 now).\n"
        "The recorded path breaks at step 1 ('net:reach'): choice 'No' of 'reach' now leads "
        "to 'restart-host', not 'restart-nic'.\n"
        "Replayed 1 of 4 recorded steps; the walk resumes at step 1 ('net:reach'). "
        "The later recorded steps stay in the journal, marked void.\n"
        "Secret variables are never recorded: set token again (v)."
    )
    reason = str(resumed.replay.divergence)
    recorder(tmp_path).resume(resumed.session, journal, reason=reason)
    resumed.session.choose("Yes | it answers")
    again = read_journal(path)
    assert [e.type for e in again.discarded] == ["answered", "note", "proceeded", "answered"]
    assert again.resumes[0].reason == reason
    # The transcript keeps the voided answers and the note, marked as voided.
    from dectree.records.export import render_markdown
    from dectree.records.transcribe import build_transcript

    transcript = build_transcript(again)
    assert [(u.number, u.answer, u.note, u.why) for u in transcript.undone] == [
        (1, "No", None, "voided"),
        (2, "Done", "NIC was down", "voided"),
        (3, "Yes | it answers", None, "voided"),
    ]
    undone = render_markdown(transcript).split("## Answers and notes no longer on the path")[1]
    assert "| NIC was down | voided on resume (the tree changed) |" in undone
    kept = [e.seq for e in again.events]
    assert kept == sorted(kept) and len(set(kept)) == len(kept)
    replayed = Session.replay(again.events, trees)  # type: ignore[arg-type]
    assert replayed.divergence is None
    assert [s.node_id for s in replayed.session.path] == ["reach", "port-open"]


def test_a_changed_tree_that_still_fits_resumes_where_it_stood(
    tmp_path: Path, catalog: Catalog
) -> None:
    path = killed_mid_walk(tmp_path, catalog)

    def reword(data: dict[str, object]) -> None:
        nodes = data["nodes"]
        assert isinstance(nodes, dict)
        nodes["firewall"]["root_cause"] = "A host firewall rule drops the port."

    resumed = prepare_resume(read_journal(path), changed_trees(catalog, reword))  # type: ignore[arg-type]
    assert resumed.replay.divergence is None
    notice = resumed.notice()
    assert notice is not None
    assert notice.splitlines()[:2] == [
        "The tree 'net' changed since this session (still version 2.0.0, but its content differs).",
        "Every recorded step still exists: the walk resumes where it stood.",
    ]
    assert resumed.session.current.node_id == "port-open"


def test_a_finished_session_reopens_finished(tmp_path: Path, catalog: Catalog) -> None:
    session, journal = recorded_session(tmp_path, catalog)
    walk_to_escalation(session)
    assert journal.path is not None
    resumed = prepare_resume(read_journal(journal.path), catalog)
    assert resumed.session.outcome is SessionOutcome.escalated


# -- the command ---------------------------------------------------------------------


def test_a_session_still_open_elsewhere_is_not_resumed(
    tmp_path: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    from dectree.records.writer import in_use

    session, journal = recorded_session(tmp_path, catalog)
    session.start("net")  # this test process holds the journal, as a live dectree would
    assert journal.path is not None and in_use(journal.path)
    assert main(["resume", "--last", "--sessions-dir", str(tmp_path), "-t", str(TREES)]) == 2
    assert "this session is open in another dectree" in capsys.readouterr().err
    session.choose("No")
    session.finish("abandoned")  # finishing closes the journal and releases it
    assert not in_use(journal.path)


def test_two_resumes_at_once_the_second_is_refused_before_any_app(
    tmp_path: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both probe the lock before either takes it: only the lock taken before the app
    opens tells them apart (the probe alone let both open, one walking unrecorded)."""
    from dectree.app.app import DectreeApp
    from dectree.records.writer import JournalFile

    killed_mid_walk(tmp_path, catalog)
    first = JournalFile.reopen(read_journal(journal_files(tmp_path)[0]))  # the other dectree
    monkeypatch.setattr("dectree.records.writer.in_use", lambda path: False)  # the race

    def no_app(self: DectreeApp, **kwargs: object) -> None:
        raise AssertionError("the app opened on a journal another dectree holds")

    monkeypatch.setattr(DectreeApp, "run", no_app)
    argv = ["resume", "--last", "--sessions-dir", str(tmp_path), "-t", str(TREES)]
    assert main(argv) == 2
    assert "this session is open in another dectree" in capsys.readouterr().err
    first.close()


def test_resume_command_show_and_problems(
    tmp_path: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ["--sessions-dir", str(tmp_path / "s")]
    assert main(["resume", "--last", *where]) == 2
    assert "no sessions recorded" in capsys.readouterr().err
    path = killed_mid_walk(tmp_path / "s", catalog)
    assert main(["resume", "5e55", "--show", "-t", str(TREES), *where]) == 0
    captured = capsys.readouterr()
    assert "stands at step 4 (net:port-open), walking" in captured.out
    assert "set token again" in captured.err
    assert main(["resume", "--last", "--show", "-t", str(tmp_path / "nowhere"), *where]) == 2
    assert "no such file or directory" in capsys.readouterr().err

    # The trees moved on: the start node is gone, nothing can be replayed.
    changed = tmp_path / "trees"
    changed.mkdir()
    shutil.copy(TREES / "db.yaml", changed)
    data = yaml.safe_load((TREES / "net.yaml").read_text())
    data["start"] = "port-open"
    del data["nodes"]["reach"]
    del data["nodes"]["restart-nic"]
    (changed / "net.yaml").write_text(yaml.safe_dump(data))
    assert main(["resume", "--last", "--show", "-t", str(changed), *where]) == 1
    err = capsys.readouterr().err
    assert "The tree 'net' changed since this session (still version 2.0.0" in err
    assert "The recorded path breaks at step 1" in err and "no node 'reach'" in err
    assert f"{path}: cannot resume" in err
