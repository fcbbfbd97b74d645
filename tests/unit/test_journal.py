"""The session journal: what is written, when it is on disk, secrets, torn and corrupt files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dectree import __version__
from dectree.engine.events import Event, SessionOutcome, event_from_dict
from dectree.engine.session import Session
from dectree.model.catalog import Catalog
from dectree.records.journal_format import tree_hash
from dectree.records.paths import (
    SessionNotFound,
    find_session,
    journal_files,
    journal_name,
    last_session,
    session_id_of,
    sessions_dir,
)
from dectree.records.reader import JournalError, read_journal, read_lines
from dectree.records.stats import summarize
from dectree.records.writer import Recorder, login_name
from tests.unit.records_support import (
    T0,
    recorded_session,
    records_catalog,
    ticking,
    walk_to_escalation,
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return records_catalog()


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- what is written ---------------------------------------------------------------


def test_header_then_one_line_per_event(tmp_path: Path, catalog: Catalog) -> None:
    session, journal = recorded_session(tmp_path, catalog)
    assert journal.path is None  # nothing is written before the walk starts
    walk_to_escalation(session)
    assert journal.path == tmp_path / "20260301T120000Z-5e55100000000000000000000000abcd.jsonl"
    written = lines(journal.path)
    header = written[0]
    assert header == {
        "type": "header",
        "format": 1,
        "session_id": session.id,
        "tree_id": "net",
        "tree_version": "2.0.0",
        "tree_hash": tree_hash(catalog.trees["net"].tree),
        "engineer": "alice",
        "host": "ops-box",
        "incident": "INC-42",
        "started_at": "2026-03-01T12:00:00Z",
        "dectree_version": __version__,
    }
    events = [line for line in written if "seq" in line]
    assert [event_from_dict(e) for e in events] == list(session.events)
    kinds = [e["type"] for e in events]
    assert kinds == [
        "started", "variable", "answered", "note", "proceeded", "answered", "command_copied",
        "answered", "tree_switched", "back", "variable", "command_copied", "answered", "note",
        "fix_confirmed", "finished",
    ]  # fmt: skip
    answered = next(e for e in events if e["type"] == "answered")
    assert (answered["node_id"], answered["prompt"], answered["label"]) == (
        "reach",
        "Does `ping {host}` get an answer? [red]",
        "No",
    )
    assert events[-1]["outcome"] == "escalated" and events[-1]["level"] == "L2"


def test_tree_and_node_records_keep_what_was_shown(tmp_path: Path, catalog: Catalog) -> None:
    session, journal = recorded_session(tmp_path, catalog)
    walk_to_escalation(session)
    assert journal.path is not None
    written = lines(journal.path)
    trees = [line["tree_id"] for line in written if line["type"] == "tree"]
    nodes = [f"{line['tree_id']}:{line['node_id']}" for line in written if line["type"] == "node"]
    assert trees == ["net", "db"]  # each tree once, when first entered
    assert nodes == [
        "net:reach", "net:restart-nic", "net:port-open", "db:pool", "net:firewall", "net:wait-l2",
    ]  # fmt: skip
    firewall = next(line for line in written if line.get("node_id") == "firewall")
    assert firewall["resolution"] == [{"do": "Allow the port.", "run": "sudo ufw allow {port}"}]
    net = next(line for line in written if line["type"] == "tree")
    assert net["escalation"]["L2"] == {
        "team": "Platform SRE",
        "channel": "#sre-oncall",
        "response_target": "30 min",
        "when": "Firewall rules are owned by another team.",
    }
    assert net["defaults"] == {"port": "5432"} and net["secrets"] == ["token"]


def test_secret_values_are_never_written(tmp_path: Path, catalog: Catalog) -> None:
    session, journal = recorded_session(tmp_path, catalog)
    walk_to_escalation(session)  # sets token, copies the command that uses it
    assert journal.path is not None
    raw = journal.path.read_bytes()
    assert b"s3cr3t-t0ken" not in raw
    copied = [line for line in lines(journal.path) if line["type"] == "command_copied"]
    assert copied[1]["command"] == 'curl -H "Authorization: Bearer {token}" https://web-01/health'
    assert session.value("token") == "s3cr3t-t0ken"  # the session has it, for the clipboard


def test_events_before_the_start_are_kept_in_order(tmp_path: Path, catalog: Catalog) -> None:
    session, journal = recorded_session(tmp_path, catalog)
    session.set_variable("host", "db-7")
    assert journal.path is None
    session.start("net")
    assert journal.path is not None
    seqs = [line["seq"] for line in lines(journal.path) if "seq" in line]
    assert seqs == [1, 2]
    assert read_journal(journal.path).events[0].type == "variable"


def test_each_event_is_on_disk_before_later_listeners_run(
    tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app subscribes after the journal: by the time it redraws, the line is fsynced."""
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    session, journal = recorded_session(tmp_path, catalog)
    seen: list[tuple[int, bool, int]] = []

    def screen(event: Event) -> None:
        assert journal.path is not None
        on_disk = [line.get("seq") for line in lines(journal.path)]
        seen.append((event.seq, event.seq in on_disk, len(synced)))

    session.subscribe(screen)
    session.start("net")
    session.choose("No")
    session.note("checked")
    assert [(seq, there) for seq, there, _ in seen] == [(1, True), (2, True), (3, True)]
    counts = [count for _, _, count in seen]
    assert counts[0] >= 2 and counts[1] > counts[0] and counts[2] > counts[1]


def test_every_write_is_followed_by_its_fsync_before_the_screen_moves(
    tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The order, not only the count: write, then fsync, then the next listener.

    An fsync moved before its write passed the count test above; here every call
    on the journal's descriptor is recorded, like strace would.
    """
    calls: list[tuple[str, int]] = []
    real_write, real_fsync = os.write, os.fsync

    def write(fd: int, data: bytes) -> int:
        calls.append(("write", fd))
        return real_write(fd, data)

    def fsync(fd: int) -> None:
        calls.append(("fsync", fd))
        real_fsync(fd)

    monkeypatch.setattr(os, "write", write)
    monkeypatch.setattr(os, "fsync", fsync)
    session, _ = recorded_session(tmp_path, catalog)
    last_call_seen_by_screen: list[str] = []

    def screen(event: Event) -> None:
        written = {fd for kind, fd in calls if kind == "write"}
        on_file = [kind for kind, fd in calls if fd in written]
        last_call_seen_by_screen.append(on_file[-1])

    session.subscribe(screen)
    session.start("net")
    session.choose("No")
    session.note("checked")
    session.proceed()
    written = {fd for kind, fd in calls if kind == "write"}
    assert len(written) == 1  # one journal file
    pattern = "".join("w" if kind == "write" else "f" for kind, fd in calls if fd in written)
    # Each append is one or more writes (partial writes are continued) then one fsync.
    assert pattern.startswith("w") and pattern.endswith("f")
    assert "ff" not in pattern and pattern.count("f") == pattern.count("wf")
    assert last_call_seen_by_screen == ["fsync"] * 4


def test_a_full_disk_holds_the_steps_and_writes_them_when_space_returns(
    tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    errors: list[str] = []
    session, journal = recorded_session(tmp_path, catalog, on_error=errors.append)
    session.start("net")
    session.note("before the disk filled")  # a second append: the size is a sum, not the last
    assert journal.path is not None
    on_disk = journal.path.read_bytes()
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data)[:7])  # a few bytes land, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    session.choose("No")  # no exception reaches the walk
    session.proceed()
    assert session.current.node_id == "reach"
    assert journal.error == (
        f"{journal.path}: No space left on device: 2 step(s) not on disk yet; "
        "dectree tries again at every step"
    )
    assert journal.behind == 2
    assert errors == [e for e in errors if "No space" in e] and len(errors) == 2  # asked each time
    assert journal.path.read_bytes() == on_disk  # the partial line was cut off again
    journal.carry_on()
    session.note("still full")
    assert len(errors) == 2 and journal.behind == 3  # carrying on: retried, not asked again
    monkeypatch.setattr(os, "write", real_write)  # space returns
    session.choose(0)
    assert journal.error is None and journal.behind == 0 and journal.unwritten == []
    written = read_journal(journal.path)
    assert written.damaged == [] and written.torn_line is None
    assert [e.seq for e in written.events] == [e.seq for e in session.events]
    session.note("after")
    session.back()
    assert len(errors) == 2


def test_a_journal_that_cannot_be_created_is_created_when_it_can(
    tmp_path: Path, catalog: Catalog
) -> None:
    errors: list[str] = []
    blocked = tmp_path / "sessions"
    blocked.write_text("a file where the directory should be")
    session, journal = recorded_session(blocked, catalog, on_error=errors.append)
    session.start("net")
    session.choose("No")
    assert journal.error is not None and journal.behind == 2 and len(errors) == 2
    blocked.unlink()
    session.proceed()
    assert journal.error is None and journal.path is not None
    assert [e.seq for e in read_journal(journal.path).events] == [1, 2, 3]


def test_short_writes_are_continued_until_the_line_is_whole(
    tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data)[:5]))
    session, journal = recorded_session(tmp_path, catalog)
    session.start("net")
    session.note("café: written five bytes at a time")
    assert journal.path is not None
    assert read_journal(journal.path).events[-1].text == "café: written five bytes at a time"


def test_lines_are_compact_utf8_json(tmp_path: Path, catalog: Catalog) -> None:
    session, journal = recorded_session(tmp_path, catalog)
    session.start("net")
    session.note("café")
    assert journal.path is not None
    raw = journal.path.read_bytes()
    assert "café".encode() in raw and b"\\u00e9" not in raw  # UTF-8, not \u escapes
    first = raw.split(b"\n")[0]
    assert first.startswith(b'{"type":"header","format":1,') and b'", "' not in first


def test_the_journal_is_closed_when_the_walk_finishes(tmp_path: Path, catalog: Catalog) -> None:
    from dectree.records.writer import in_use

    session, journal = recorded_session(tmp_path, catalog)
    session.start("net")
    assert journal.path is not None and in_use(journal.path)
    session.finish("abandoned")
    assert not in_use(journal.path)
    assert journal.file is not None
    journal.file.close()  # closing twice is harmless
    with pytest.raises(OSError, match="journal is closed"):
        journal.file.append(b"x")


def test_host_and_login_fall_back_to_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass
    import socket

    from dectree.records.writer import host_name

    monkeypatch.setattr(socket, "gethostname", lambda: "")
    monkeypatch.setattr(getpass, "getuser", lambda: "")
    assert host_name() == "unknown" and login_name() == "unknown"
    monkeypatch.setattr(socket, "gethostname", lambda: "ops-box")
    assert host_name() == "ops-box"


def test_retrying_by_hand_flushes_what_waits(
    tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, journal = recorded_session(tmp_path, catalog)
    session.start("net")

    def full(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    session.choose("No")
    assert not journal.flush() and journal.behind == 1
    monkeypatch.undo()
    assert journal.flush() and journal.error is None
    assert journal.path is not None
    assert len(read_journal(journal.path).events) == 2


def test_the_journal_file_is_private(tmp_path: Path, catalog: Catalog) -> None:
    session, journal = recorded_session(tmp_path / "new" / "dir", catalog)
    session.start("net")
    assert journal.path is not None
    assert journal.path.stat().st_mode & 0o777 == 0o600
    assert journal.path.parent.stat().st_mode & 0o777 == 0o700


def test_two_sessions_get_two_files(tmp_path: Path, catalog: Catalog) -> None:
    recorder = Recorder(tmp_path, engineer="bob", host="h")
    for name in ("a1", "b2"):
        session = Session(catalog, clock=ticking(), session_id=name)
        recorder(session)
        session.start("db")
        session.choose("All in use")
        session.confirm_fixed(True)
    assert [session_id_of(p) for p in journal_files(tmp_path)] == ["a1", "b2"]
    assert read_journal(journal_files(tmp_path)[0]).outcome is SessionOutcome.workaround


def test_engineer_defaults_to_the_login_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "carol")
    assert Recorder(tmp_path).engineer == "carol"
    assert Recorder(tmp_path, engineer="dave").engineer == "dave"

    def no_user() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(getpass, "getuser", no_user)
    assert login_name() == "unknown"
    assert Recorder(tmp_path).engineer == "unknown"


# -- reading: torn and corrupt journals ---------------------------------------------


def finished_journal(tmp_path: Path, catalog: Catalog) -> Path:
    session, journal = recorded_session(tmp_path, catalog)
    walk_to_escalation(session)
    assert journal.path is not None
    return journal.path


def test_a_torn_last_line_is_dropped_and_reported(tmp_path: Path, catalog: Catalog) -> None:
    path = finished_journal(tmp_path, catalog)
    whole = read_journal(path)
    count = len(path.read_text().splitlines())
    with path.open("ab") as handle:
        handle.write(b'{"seq":17,"at":"2026-03-01T12:09:00Z","type":"no')
    torn = read_journal(path)
    assert torn.events == whole.events
    assert torn.torn_line == count + 1
    assert torn.warning() == (
        f"{path}:{count + 1}: warning: incomplete last line "
        "(the session was interrupted mid-write); ignored"
    )
    assert read_lines(path).torn_line == count + 1


def test_a_torn_multibyte_character_is_a_torn_line(tmp_path: Path, catalog: Catalog) -> None:
    path = finished_journal(tmp_path, catalog)
    with path.open("ab") as handle:
        handle.write('{"seq":17,"type":"note","text":"é'.encode()[:-1])
    assert read_journal(path).torn_line is not None


def test_a_complete_last_line_without_newline_is_kept(tmp_path: Path, catalog: Catalog) -> None:
    path = finished_journal(tmp_path, catalog)
    data = path.read_bytes()
    path.write_bytes(data[:-1])
    journal = read_journal(path)
    assert journal.torn_line is None and not journal.ends_with_newline
    assert journal.outcome is SessionOutcome.escalated


def corrupt(path: Path, line: int, text: str) -> None:
    rows = path.read_text().splitlines()
    rows[line - 1] = text
    path.write_text("\n".join(rows) + "\n")


@pytest.mark.parametrize(
    ("line", "text", "message"),
    [
        (3, "{not json", "not JSON"),
        (3, "", "empty line"),
        (3, "[1, 2]", "not a JSON object"),
        (3, '{"type": "mystery", "seq": 9}', "type"),
        (2, '{"seq": 1, "at": "2026-03-01T12:00:00Z", "type": "started"}', "session_id"),
    ],
)
def test_a_damaged_line_is_named_and_skipped_the_rest_kept(
    tmp_path: Path, catalog: Catalog, line: int, text: str, message: str
) -> None:
    path = finished_journal(tmp_path, catalog)
    whole = read_journal(path)
    rows = path.read_text().splitlines()
    lost = json.loads(rows[line - 1])
    corrupt(path, line, text)
    journal = read_journal(path)
    assert [n for n, _ in journal.damaged] == [line]
    assert message in journal.damaged[0][1]
    assert journal.warnings()[0].startswith(f"{path}:{line}: warning: ")
    kept = [e for e in whole.events if e.seq != lost.get("seq")]
    assert journal.events == kept  # every other event is still there
    assert journal.header == whole.header


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "node"}', "the first line is not a journal header"),
        ('{"type": "header", "format": 99}', "newer than this dectree reads"),
        ('{"type": "header", "format": 1}', "session_id"),
        ("{not json", "not JSON"),
    ],
)
def test_a_journal_without_a_readable_header_is_unreadable(
    tmp_path: Path, catalog: Catalog, text: str, message: str
) -> None:
    path = finished_journal(tmp_path, catalog)
    corrupt(path, 1, text)
    with pytest.raises(JournalError) as caught:
        read_journal(path)
    assert str(caught.value).startswith(f"{path}:1: ")
    assert message in str(caught.value)


def test_an_event_out_of_order_is_a_damaged_line(tmp_path: Path, catalog: Catalog) -> None:
    path = finished_journal(tmp_path, catalog)
    rows = path.read_text().splitlines()
    events = [i for i, row in enumerate(rows) if '"seq"' in row]
    rows[events[2]], rows[events[3]] = rows[events[3]], rows[events[2]]
    path.write_text("\n".join(rows) + "\n")
    journal = read_journal(path)
    assert len(journal.damaged) == 1 and "out of order" in journal.damaged[0][1]
    assert journal.damaged[0][0] == events[3] + 1


def test_empty_and_torn_header_journals(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    with pytest.raises(JournalError, match=r"empty\.jsonl:1: empty"):
        read_journal(empty)
    torn = tmp_path / "torn.jsonl"
    torn.write_bytes(b'{"type":"header","sess')
    with pytest.raises(JournalError, match="incomplete header"):
        read_journal(torn)
    with pytest.raises(JournalError, match=r"missing\.jsonl:0: "):
        read_journal(tmp_path / "missing.jsonl")


# -- the sessions directory ---------------------------------------------------------


def test_sessions_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECTREE_HOME", str(tmp_path / "home"))
    assert sessions_dir(str(tmp_path / "given")) == tmp_path / "given"
    assert sessions_dir() == tmp_path / "home" / "sessions"
    monkeypatch.delenv("DECTREE_HOME")
    from platformdirs import user_data_path

    assert sessions_dir() == user_data_path("dectree", appauthor=False) / "sessions"


def test_finding_a_session(tmp_path: Path) -> None:
    for stamp, sid in [(T0, "abcd1111"), (T0.replace(hour=13), "abce2222"), (T0, "ffff0000")]:
        (tmp_path / journal_name(sid, stamp)).write_text("{}\n")
    assert session_id_of(find_session(tmp_path, "abcd1111")) == "abcd1111"
    assert session_id_of(find_session(tmp_path, "abce")) == "abce2222"
    assert session_id_of(last_session(tmp_path)) == "abce2222"  # started last
    with pytest.raises(SessionNotFound, match="too short"):
        find_session(tmp_path, "ab")
    (tmp_path / journal_name("abcd9999", T0)).write_text("{}\n")
    with pytest.raises(SessionNotFound, match="ambiguous: abcd1111, abcd9999"):
        find_session(tmp_path, "abcd")
    with pytest.raises(SessionNotFound, match="no session '0000'"):
        find_session(tmp_path, "0000")
    direct = tmp_path / journal_name("ffff0000", T0)
    assert find_session(tmp_path, str(direct)) == direct
    with pytest.raises(SessionNotFound, match="no such journal file"):
        find_session(tmp_path, str(tmp_path / "nope.jsonl"))
    with pytest.raises(SessionNotFound, match="no sessions recorded"):
        last_session(tmp_path / "empty")


# -- never a traceback ----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    directory = tmp_path_factory.mktemp("sample")
    session, journal = recorded_session(directory, records_catalog())
    walk_to_escalation(session)
    assert journal.path is not None
    return journal.path.read_bytes()


def readers_survive(path: Path) -> None:
    """Both readers either read the journal or raise `JournalError`, nothing else."""
    for reader in (read_journal, summarize):
        try:
            reader(path)
        except JournalError as exc:
            assert str(exc).startswith(f"{path}:")


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_a_journal_cut_anywhere_reads_or_fails_cleanly(
    tmp_path: Path, sample: bytes, cut: int
) -> None:
    path = tmp_path / "cut.jsonl"
    path.write_bytes(sample[: cut % (len(sample) + 1)])
    readers_survive(path)
    if b"\n" in path.read_bytes():  # the header is whole: only the tail may be torn
        journal = read_journal(path)
        assert journal.events == read_journal_prefix(sample, len(path.read_bytes()))


def read_journal_prefix(data: bytes, size: int) -> list[Event]:
    """The events of the complete lines within the first `size` bytes, parsed directly."""
    complete = data[:size]
    lines = complete.split(b"\n")
    whole = lines[:-1]
    last = lines[-1]
    if last:
        try:
            json.loads(last)
            whole.append(last)
        except ValueError:
            pass
    return [event_from_dict(json.loads(line)) for line in whole if b'"seq"' in line]


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    line=st.integers(min_value=0, max_value=40),
    junk=st.one_of(
        st.binary(max_size=40),
        st.text(max_size=40).map(str.encode),
        st.sampled_from([b"{}", b"[]", b"null", b'{"seq": "x"}', b'{"type": "resumed"}']),
    ),
)
def test_a_journal_with_a_line_replaced_reads_or_fails_cleanly(
    tmp_path: Path, sample: bytes, line: int, junk: bytes
) -> None:
    rows = sample.split(b"\n")
    rows[line % len(rows)] = junk
    path = tmp_path / "junk.jsonl"
    path.write_bytes(b"\n".join(rows))
    readers_survive(path)


def test_a_jump_mid_walk_is_recorded_transcribed_and_counted(tmp_path: Path) -> None:
    from dectree.records.transcribe import build_transcript

    catalog = records_catalog()
    session, journal = recorded_session(tmp_path, catalog)
    session.start("net")
    session.choose(0)
    session.jump("db", "raise-limit", query="too many clients already")
    session.confirm_fixed(True)
    assert journal.path is not None
    transcript = build_transcript(read_journal(journal.path))
    assert [(s.tree_id, s.node_id) for s in transcript.steps] == [
        ("net", "reach"),
        ("net", "port-open"),
        ("db", "raise-limit"),
    ]
    assert transcript.steps[1].answer == "Searched: too many clients already"
    assert transcript.conclusion is not None and transcript.conclusion.node_id == "raise-limit"
    summary = summarize(journal.path)
    assert summary.end_ref == "db:raise-limit"
    assert summary.outcome == "workaround"  # the outcome raise-limit declares


# -- resuming: the journal reopened ------------------------------------------------------


def interrupted_journal(directory: Path, catalog: Catalog) -> tuple[Session, Path]:
    session, journal = recorded_session(directory, catalog)
    session.start("net")
    session.choose("No")
    assert journal.path is not None and journal.file is not None
    journal.file.close()  # the process died
    return session, journal.path


def resume_it(path: Path, catalog: Catalog, **kwargs: Any) -> tuple[Session, Any, Recorder]:
    from dectree.records.resume import prepare_resume

    journal = read_journal(path)
    resumed = prepare_resume(journal, catalog, clock=ticking())
    recorder = Recorder(path.parent, engineer="bob", host="h", clock=ticking(), **kwargs)
    listener = recorder.resume(resumed.session, journal)
    return resumed.session, listener, recorder


def test_a_resumed_journal_is_the_recorders_and_whole(tmp_path: Path, catalog: Catalog) -> None:
    _, path = interrupted_journal(tmp_path, catalog)
    session, listener, recorder = resume_it(path, catalog)
    assert recorder.journal_for(session) is listener
    assert listener.error is None and not listener.locked and listener.behind == 0
    session.proceed()
    assert read_journal(path).damaged == []


def test_resuming_a_journal_without_its_last_newline_adds_it_first(
    tmp_path: Path, catalog: Catalog
) -> None:
    _, path = interrupted_journal(tmp_path, catalog)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    session, _, _ = resume_it(path, catalog)
    session.proceed()
    journal = read_journal(path)
    assert journal.damaged == [] and journal.torn_line is None
    assert [e.type for e in journal.events][-1] == "proceeded"


def test_a_failed_write_after_resuming_keeps_the_journal_as_it_was(
    tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = interrupted_journal(tmp_path, catalog)
    session, listener, _ = resume_it(path, catalog)
    before = path.read_bytes()
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data)[:3])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    session.proceed()
    assert path.read_bytes() == before  # cut back to the reopened size, not to nothing
    monkeypatch.undo()
    session.choose(0)
    assert listener.error is None and len(read_journal(path).events) == len(session.events)


def test_a_journal_that_cannot_be_reopened_is_reported_and_retried(
    tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = interrupted_journal(tmp_path, catalog)
    real_open = os.open

    def read_only(name: Any, flags: int, *args: int) -> int:
        if str(name) == str(path) and flags & os.O_WRONLY:
            raise PermissionError(13, "Permission denied")
        return real_open(name, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    errors: list[str] = []
    session, listener, recorder = resume_it(path, catalog, on_error=errors.append)
    assert recorder.journal_for(session) is listener
    assert errors == [listener.error] and not listener.locked
    assert listener.error == (
        f"{path}: Permission denied: nothing lost yet; dectree tries again at every step"
    )
    monkeypatch.undo()
    session.proceed()
    assert listener.error is None and read_journal(path).resumes


def test_a_journal_locked_by_another_dectree_says_so(tmp_path: Path, catalog: Catalog) -> None:
    from dectree.records.writer import JournalFile

    _, path = interrupted_journal(tmp_path, catalog)
    other = JournalFile.reopen(read_journal(path))
    _, listener, _ = resume_it(path, catalog)
    assert listener.locked
    assert listener.error == (
        f"{path}: this session is open in another dectree (its journal is locked): "
        "nothing lost yet; dectree tries again at every step"
    )
    other.close()


def test_a_lone_surrogate_never_stops_the_journal(tmp_path: Path, catalog: Catalog) -> None:
    session, journal = recorded_session(tmp_path, catalog)
    session.start("net")
    session.note("bytes \udcff from somewhere")
    assert journal.error is None and journal.path is not None
    assert read_journal(journal.path).events[-1].text == "bytes ? from somewhere"


def test_c1_controls_and_del_are_escaped_on_disk_and_read_back_the_same(
    tmp_path: Path, catalog: Catalog
) -> None:
    """JSON escapes C0 only: a raw U+009B (CSI) in a note would reach the terminal of
    whoever runs `cat` or `tail -f` on the journal."""
    session, journal = recorded_session(tmp_path, catalog)
    session.start("net")
    hostile = "csi \x9b31m red, osc \x9d0;title\x9c, del \x7f, nel \x85 end, café"
    session.note(hostile)
    assert journal.path is not None
    text = journal.path.read_bytes().decode("utf-8")
    assert not any("\x7f" <= ch <= "\x9f" for ch in text)
    assert "\\u009b31m" in text and "café" in text
    assert [e["text"] for e in lines(journal.path) if e.get("type") == "note"] == [hostile]
    assert read_journal(journal.path).events[-1].text == hostile  # type: ignore[union-attr]
