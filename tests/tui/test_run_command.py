"""`dectree run`: argument errors are plain messages with exit code 2, before any screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.pilot import Pilot

from dectree.app.app import DectreeApp
from dectree.cli import main
from dectree.engine.session import Session
from tests.tui.conftest import FIXTURES


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["run", *args])
    return code, capsys.readouterr().err


def test_unknown_tree(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "nett", str(FIXTURES))
    assert code == 2
    assert "no tree 'nett' (did you mean 'net'?)" in err
    assert "db, hostile, net" in err


def test_unknown_node(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "net", str(FIXTURES), "--at", "restrat")
    assert code == 2
    assert "tree 'net' has no node 'restrat' (did you mean 'restart'?)" in err


def test_at_needs_a_tree(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "--at", "start")
    assert code == 2
    assert "--at needs a TREE" in err


def test_bad_variable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "net", str(FIXTURES), "--var", "Host"])
    assert exit_info.value.code == 2
    assert "expected name=value" in capsys.readouterr().err


def test_missing_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "net", "no/such/dir")
    assert code == 2
    assert "no/such/dir: no such file or directory" in err


def test_broken_tree_file(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    from pathlib import Path

    broken = Path(str(tmp_path)) / "broken.yaml"
    broken.write_text("id: broken\ntitle: [unclosed\n")
    code, err = run(capsys, str(broken))
    assert code == 1
    assert "broken.yaml:" in err


def run_headless(
    monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> tuple[int, dict[str, object]]:
    """`dectree` with `argv`, the real app run headless: what it shows once loaded."""
    seen: dict[str, object] = {}
    real_run = DectreeApp.run

    def run(self: DectreeApp, **kwargs: object) -> int | None:
        async def look(pilot: Pilot[int]) -> None:
            app = pilot.app
            assert isinstance(app, DectreeApp)
            for _ in range(400):  # the trees load in a worker started after the first frame
                if app.catalog is not None:
                    break
                await pilot.pause(0.05)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app, DectreeApp)
            seen["screen"] = type(app.screen).__name__
            seen["trees"] = sorted(app.catalog.trees) if app.catalog else None
            session = getattr(app.screen, "session", None)
            if isinstance(session, Session):
                seen["at"] = session.current.ref
                seen["variables"] = dict(session.variables)
            seen["incident"] = app.incident
            app.exit(0)

        return real_run(self, headless=True, size=(100, 30), auto_pilot=look)

    monkeypatch.setattr(DectreeApp, "run", run)
    return main(argv), seen


def test_var_values_reach_the_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    code, seen = run_headless(
        monkeypatch,
        ["run", "net", str(FIXTURES), "--var", "host=a=b", "--var", "port=80",
         "--incident", "INC-1", "--at", "listening"],
    )
    assert code == 0
    assert seen["screen"] == "WalkScreen"
    assert seen["at"] == "net:listening"
    assert seen["variables"] == {"host": "a=b", "port": "80"}
    assert seen["incident"] == "INC-1"


def test_tree_file_walks_that_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    code, seen = run_headless(monkeypatch, ["run", str(FIXTURES / "db.yaml")])
    assert code == 0
    assert seen["screen"] == "WalkScreen"
    assert str(seen["at"]).startswith("db:")


def test_a_tree_file_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its tree id comes from the catalog's load (the file was read twice, once only for it)."""
    import dectree.model.catalog as catalog_module

    monkeypatch.setenv("DECTREE_NO_CACHE", "1")
    reads: list[str] = []
    real_load_file = catalog_module.load_file

    def load_file(path: Path, **kwargs: object) -> object:
        reads.append(Path(path).name)
        return real_load_file(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog_module, "load_file", load_file)
    code, seen = run_headless(monkeypatch, ["run", str(FIXTURES / "db.yaml"), "--at", "start"])
    assert code == 0
    assert seen["at"] == "db:start"
    assert reads == ["db.yaml"]  # the app walks the catalog loaded for the checks


def test_no_tree_opens_the_home_screen_and_loads_in_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURES)  # ./trees is absent: the bundled trees load
    code, seen = run_headless(monkeypatch, [])  # `dectree` alone is `dectree run`
    assert code == 0
    assert seen["screen"] == "HomeScreen"
    assert seen["trees"] and "performance" in seen["trees"]  # type: ignore[operator]


# -- arguments that are not UTF-8 ------------------------------------------------------

NOT_UTF8 = {"latin-1 y-umlaut": b"\xff", "lone continuation": b"INC-\x80", "cp1252 quote": b"\x93x\x94"}
TEXT_OPTIONS = {
    "--incident": lambda text: ["run", "net", str(FIXTURES), "--incident", text],
    "--var": lambda text: ["run", "net", str(FIXTURES), "--var", f"host={text}"],
    "--engineer": lambda text: ["run", "net", str(FIXTURES), "--engineer", text],
    "--at": lambda text: ["run", "net", str(FIXTURES), "--at", text],
    "resume --engineer": lambda text: ["resume", "--last", "--engineer", text],
}


@pytest.mark.parametrize("raw", sorted(NOT_UTF8))
@pytest.mark.parametrize("option", sorted(TEXT_OPTIONS))
def test_arguments_that_are_not_utf8_are_a_usage_error(
    option: str, raw: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    import os

    def no_app(self: DectreeApp, **kwargs: object) -> None:
        raise AssertionError("the app opened")

    monkeypatch.setattr(DectreeApp, "run", no_app)
    text = os.fsdecode(NOT_UTF8[raw])  # what Python makes of those bytes in argv
    with pytest.raises(SystemExit) as exit_info:
        main([*TEXT_OPTIONS[option](text), "--sessions-dir", str(tmp_path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "not UTF-8 text: byte 0x" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # no journal, not even an empty one


def test_bytes_from_a_latin1_terminal_do_not_kill_the_app(make_app: object) -> None:
    from textual.drivers import linux_driver

    from dectree.app.app import lenient_terminal_input

    lenient_terminal_input()
    decode = linux_driver.getincrementaldecoder("utf-8")().decode  # type: ignore[attr-defined]
    assert decode(b"caf\xe9 \xff\n", final=False) == "caf\ufffd \ufffd\n"
    assert decode("é".encode()[:1], final=False) == ""  # a split character still waits


# -- an error nothing handled ------------------------------------------------------------


def test_a_crash_exits_1_with_the_journal_intact_and_a_pointer_to_the_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from dectree.app.screens.walk import WalkScreen
    from dectree.records.paths import journal_files
    from dectree.records.reader import read_journal

    def broken(self: WalkScreen) -> None:
        raise RuntimeError("a bug in the back key \x1b]0;title\x07")

    monkeypatch.setattr(WalkScreen, "action_back", broken)
    monkeypatch.setenv("DECTREE_HOME", str(tmp_path))
    real_run = DectreeApp.run

    def run(self: DectreeApp, **kwargs: object) -> int | None:
        async def crash(pilot: Pilot[int]) -> None:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("1")
            await pilot.pause()
            await pilot.press("b")  # the bug
            await pilot.pause()

        return real_run(self, headless=True, size=(100, 30), auto_pilot=crash)

    monkeypatch.setattr(DectreeApp, "run", run)
    code = main(["run", "net", str(FIXTURES)])
    err = capsys.readouterr().err
    assert code == 1
    assert "dectree: internal error: RuntimeError: a bug in the back key \\x1b]0;title\\x07" in err
    assert "Traceback" not in err and "\x1b]" not in err
    log = Path(re.search(r"details in (\S+)", err)[1])  # type: ignore[index]
    assert "RuntimeError" in log.read_text() and "in broken" in log.read_text()
    [journal] = journal_files(tmp_path / "sessions")
    assert [e.type for e in read_journal(journal).events] == ["started", "answered"]
