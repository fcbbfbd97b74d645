"""Running checks for real: bounded time and memory, no input, no process left, nothing secret on disk."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dectree.engine.events import CheckRan, CheckStarted
from dectree.engine.runner import CheckRun, RunStatus
from dectree.engine.session import Session, WalkError
from dectree.model.catalog import load_catalog
from dectree.records.reader import read_journal
from tests.unit.records_support import recorder

TREES = Path(__file__).parent / "fixtures" / "checks"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is not running; it waits for its parent to reap it.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def pids_of(marker: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
    return [int(p) for p in out.split() if alive(int(p))]


def test_exit_code_output_and_stderr_together() -> None:
    result = CheckRun("echo out; echo err >&2; exit 3").run()
    assert result.status is RunStatus.exited and result.exit_code == 3
    assert result.output == "out\nerr\n" and result.cut_bytes == 0


def test_stdin_is_empty() -> None:
    result = CheckRun("cat; echo read-nothing", timeout=5).run()
    assert result.output == "read-nothing\n"


def test_timeout_kills_the_group(tmp_path: Path) -> None:
    marker = f"sleep 37.{os.getpid()}"
    result = CheckRun(f"{marker} & {marker}; echo never", timeout=0.5).run()
    assert result.status is RunStatus.timed_out and result.exit_code is None
    assert "never" not in result.output
    time.sleep(0.2)
    assert pids_of(marker) == []


def test_cancel_from_another_thread_leaves_nothing_behind() -> None:
    marker = f"sleep 38.{os.getpid()}"
    run = CheckRun(f"echo started; ({marker} &) ; {marker}", timeout=30)
    seen: list[str] = []
    run.on_output = seen.append
    timer = threading.Timer(0.5, run.cancel)
    timer.start()
    result = run.run()
    assert result.status is RunStatus.cancelled
    assert seen and "started" in "".join(seen)
    time.sleep(0.2)
    assert pids_of(marker) == []


def test_background_process_after_the_shell_exits_is_killed() -> None:
    marker = f"sleep 39.{os.getpid()}"
    result = CheckRun(f"{marker} & echo done", timeout=10).run()
    assert result.status is RunStatus.exited and result.exit_code == 0
    time.sleep(0.2)
    assert pids_of(marker) == []


def test_fifty_megabytes_keep_head_and_tail() -> None:
    command = "printf START; head -c 52428800 /dev/zero | tr '\\0' a; printf END"
    result = CheckRun(command, timeout=60).run()
    assert result.total_bytes == 52428800 + 8
    assert result.output.startswith("STARTaaa") and result.output.endswith("aaaEND")
    assert result.cut_bytes == result.total_bytes - 1024 * 1024
    assert f"{result.cut_bytes:,} bytes of output cut here" in result.output
    assert len(result.output.encode()) < 1024 * 1024 + 200


def test_binary_output_is_kept_as_text() -> None:
    result = CheckRun("head -c 65536 /dev/urandom; printf '\\377\\000\\033[2J'").run()
    assert result.status is RunStatus.exited and result.total_bytes == 65536 + 6
    assert isinstance(result.output, str) and "\ufffd" in result.output


def test_a_missing_shell_fails_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dectree.engine.runner.SHELL", "/nonexistent/sh")
    result = CheckRun("true").run()
    assert result.status is RunStatus.failed and result.error


def guided_session(directory: Path | None = None) -> Session:
    catalog = load_catalog([str(TREES)])
    assert not catalog.problems, catalog.problems
    session = Session(catalog)
    if directory is not None:
        recorder(directory)(session)
    session.start("guided")
    return session


def test_a_run_is_recorded_with_its_suggestions() -> None:
    session = guided_session()
    session.set_variable("word", "HELLO")
    filled, timeout, seq = session.check_started(0)
    assert filled.text == "printf '%s\\n' HELLO" and timeout == 30.0
    event = session.check_ran(0, CheckRun(filled.text).run(), seq)
    assert (event.status, event.exit_code, event.output) == ("exited", 0, "HELLO\n")
    assert [(m.label, m.line) for m in event.suggested] == [("Hello", "HELLO")]
    assert [m.label for m in session.suggestions()] == ["Hello"]
    assert session.current.answer is None  # nothing advances by itself


def test_runs_are_refused_when_they_cannot_be_run_safely() -> None:
    session = guided_session()
    with pytest.raises(WalkError, match=r"\{word\}"):
        session.check_started(0)  # no value yet
    with pytest.raises(WalkError, match="copy-only"):
        session.check_started(2)
    with pytest.raises(WalkError, match="no check 9"):
        session.check_started(8)
    assert not any(isinstance(e, CheckStarted) for e in session.events)


def test_per_check_timeout_is_used() -> None:
    session = guided_session()
    filled, timeout, seq = session.check_started(3)
    result = CheckRun(filled.text, timeout=timeout).run()
    event = session.check_ran(3, result, seq)
    assert event.status == "timed_out" and event.exit_code is None


def test_secrets_never_reach_the_journal(tmp_path: Path) -> None:
    session = guided_session(tmp_path)
    secret = "s3cr3t-T0ken-value"
    session.set_variable("token", secret, secret=True)
    filled, _, seq = session.check_started(1)
    assert secret in filled.text
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    command = f"echo 'Authorization: Bearer {jwt}'; echo AKIAIOSFODNN7EXAMPLE; " + filled.text
    event = session.check_ran(1, CheckRun(command).run(), seq)
    assert event.exit_code == 3
    assert "{token}" in event.output and event.redactions >= 3
    raw = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    for leaked in (secret, jwt, "AKIAIOSFODNN7EXAMPLE"):
        assert leaked.encode() not in raw
    assert b"check_ran" in raw


CHILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from dectree.engine.runner import CheckRun
from dectree.engine.session import Session
from dectree.model.catalog import load_catalog
from dectree.records.writer import Recorder
session = Session(load_catalog([{trees!r}]))
Recorder(Path({journal!r}), engineer="e", host="h")(session)
session.start("guided")
filled, timeout, seq = session.check_started(3)
run = CheckRun("exec sleep 40.{marker}", timeout=60)
print("running", flush=True)
run.run()
"""


def test_sigkill_during_a_run_leaves_the_journal_intact(tmp_path: Path) -> None:
    marker = os.getpid()
    # Anchored: the child's own command line (its script) holds the text too, and so
    # does its fork until it execs the shell; only the check itself is `sleep ...`.
    check = f"^sleep 40\\.{marker}$"
    script = CHILD.format(
        root=str(Path(__file__).parents[2]), trees=str(TREES), journal=str(tmp_path), marker=marker
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline() == "running\n"
    deadline = time.monotonic() + 10
    while not pids_of(check) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pids_of(check)
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    # The kernel signals the check when dectree dies; on a loaded machine that can
    # take longer than a fixed pause, so wait for it (the check sleeps for 40 s).
    deadline = time.monotonic() + 15
    while pids_of(check) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pids_of(check) == []  # the check died with dectree
    [path] = list(tmp_path.rglob("*.jsonl"))
    for line in path.read_bytes().splitlines():
        json.loads(line)  # every line whole
    journal = read_journal(path)
    assert journal.torn_line is None
    assert isinstance(journal.events[-1], CheckStarted)
    replayed = Session.replay(journal.events, load_catalog([str(TREES)]))
    assert replayed.divergence is None
    [closed] = replayed.session.close_interrupted_runs()
    assert isinstance(closed, CheckRan) and closed.status == "interrupted"
    assert closed.started == journal.events[-1].seq


def test_transcript_shows_each_run_inert(tmp_path: Path) -> None:
    from dectree.records.export import render_json, render_markdown
    from dectree.records.transcribe import build_transcript

    session = guided_session(tmp_path)
    session.set_variable("word", "hello")
    hostile = "printf 'hello\\n\\033[2J```\\n</details>\\n# not a heading\\n'"
    _, _, seq = session.check_started(0)
    session.check_ran(0, CheckRun(hostile).run(), seq)
    session.check_started(3)  # never ends: as if dectree were killed
    [path] = list(tmp_path.rglob("*.jsonl"))
    transcript = build_transcript(read_journal(path))
    first, second = transcript.runs
    assert (first.status, first.exit_code, [m.label for m in first.suggested]) == (
        "exited", 0, ["Hello"]
    )
    assert second.status == "interrupted"
    markdown = render_markdown(transcript)
    assert "## Checks run" in markdown and "Suggested Hello" in markdown
    assert "\\x1b[2J" in markdown and "\x1b" not in markdown
    block = markdown.split("<summary>", 1)[1]
    fence = next(line for line in block.splitlines() if line.startswith("```"))
    assert fence.startswith("````")  # longer than the run of backticks in the output
    assert "interrupted (dectree stopped during the run)" in markdown
    assert json.loads(render_json(transcript))["runs"][0]["output"].startswith("hello\n\x1b[2J")


def test_run_policy_from_flag_and_user_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    from dectree.commands.policy import ConfigError, run_disabled

    config = tmp_path / "config.toml"
    monkeypatch.setenv("DECTREE_CONFIG", str(config))
    assert run_disabled(argparse.Namespace(no_run=False)) is None
    assert run_disabled(argparse.Namespace(no_run=True)) == "--no-run"
    config.write_text("run_checks = false\n")
    assert "run_checks = false" in (run_disabled(argparse.Namespace(no_run=False)) or "")
    config.write_text("run_checks = 'no'\n")
    with pytest.raises(ConfigError, match="true or false"):
        run_disabled(argparse.Namespace(no_run=False))
    config.write_text("run_checks = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        run_disabled(argparse.Namespace(no_run=False))
    config.write_text("run_checks = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError, match="nested too deeply"):
        run_disabled(argparse.Namespace(no_run=False))
    config.unlink()
    os.mkfifo(config)  # a plain read would block until a writer came
    with pytest.raises(ConfigError, match=r"cannot read: not a regular file \(a FIFO\)"):
        run_disabled(argparse.Namespace(no_run=False))
    config.unlink()
    config.symlink_to("/dev/zero")  # a plain read would never end
    with pytest.raises(ConfigError, match=r"not a regular file \(a character device\)"):
        run_disabled(argparse.Namespace(no_run=False))


def test_bad_user_config_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dectree.cli import main

    config = tmp_path / "config.toml"
    config.write_text("run_checks = [\n")
    monkeypatch.setenv("DECTREE_CONFIG", str(config))
    assert main(["run", str(TREES / "guided.yaml")]) == 2
    assert f"dectree: error: {config}: not valid TOML" in capsys.readouterr().err


def test_mcp_report_output_records_the_run_and_returns_suggestions(tmp_path: Path) -> None:
    from dectree.mcp.walks import Walks

    walks = Walks(load_catalog([str(TREES)]), tmp_path, host="h")
    step = walks.start(tree="guided", variables={"word": "x"})
    assert [c.copy_only for c in step.checks] == [False, False, True, False, False]
    reported = walks.report_output(step.session, 1, "HELLO\n", 0)
    assert [(a.number, a.label) for a in reported.suggested] == [(1, "Hello")]
    big = walks.report_output(step.session, 2, "x" * (3 * 1024 * 1024), 3)
    assert big.cut and [a.label for a in big.suggested] == ["Refused"]
    journal = read_journal(next(tmp_path.rglob("*.jsonl")))
    ran = [e for e in journal.events if isinstance(e, CheckRan)]
    assert [(r.index, r.exit_code) for r in ran] == [(0, 0), (1, 3)]
    assert ran[1].cut_bytes == 2 * 1024 * 1024


def test_reported_output_with_lone_surrogates_is_recorded(tmp_path: Path) -> None:
    session = guided_session(tmp_path)
    event = session.report_output(0, "hello\ud800\n", 0)
    assert event.output == "hello?\n"
    assert read_journal(next(tmp_path.rglob("*.jsonl"))).events[-1] == event
