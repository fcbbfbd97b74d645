"""Scenario runner and `dectree test`: passes, failures with their paths, exit codes."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from dectree.check.scenarios import (
    ScenarioReport,
    format_text,
    run_scenarios,
    to_json,
    walk_scenario,
)
from dectree.cli import main
from dectree.engine.session import tree_map
from dectree.model.catalog import load_catalog

ENGINE = Path(__file__).parent / "fixtures" / "engine"
OK = str(ENGINE / "scenarios" / "ok.yaml")
BAD = str(ENGINE / "scenarios" / "bad.yaml")
BROKEN = str(ENGINE / "scenarios" / "broken.yaml")
DB = str(ENGINE / "walk" / "db.yaml")
DISK = str(Path(__file__).parents[1] / "fixtures" / "valid" / "disk.yaml")


def report_for(*paths: str) -> ScenarioReport:
    return run_scenarios(load_catalog(list(paths)))


def test_passing_scenarios_including_a_link_and_not_fixed() -> None:
    report = report_for(OK, DB)
    assert [(r.name, r.passed) for r in report.results] == [
        ("restart fixes it", True),
        ("not fixed after all", True),
        ("database link", True),
    ]
    taken = {r.name: r.taken for r in report.results}
    assert taken["restart fixes it"] == ("first", "restart", "check", "fixed")
    assert taken["not fixed after all"] == ("first", "restart", "check", "fixed", "hand-off")
    assert taken["database link"] == ("first", "db:pool", "db:raise-limit")
    assert report.ok() and report.summary == "3 scenarios, 3 passed, 0 failed"


def test_uncovered_terminal_nodes_are_warnings() -> None:
    report = report_for(OK, DB)
    assert [(u.tree_id, u.node_id, u.kind) for u in report.uncovered] == [
        ("db", "escalate-dba", "escalation")
    ]
    uncovered = report.uncovered[0]
    assert uncovered.line_text() == (
        f"{DB}:43:5: warning: escalation 'db:escalate-dba' is not covered by any scenario"
    )
    assert report.ok(strict=False) and not report.ok(strict=True)


def failures() -> dict[str, tuple[str, ...]]:
    report = report_for(BAD)
    return {
        r.name: (r.reason or "", r.diverged_at or "", " -> ".join(r.taken)) for r in report.results
    }


@pytest.mark.parametrize(
    ("name", "reason", "at", "path"),
    [
        ("wrong place", "expected to be at check, was at first", "first", "first"),
        (
            "wrong label",
            "no choice 'restart' at first; the choices are: 'Restart', 'Give up'",
            "first",
            "first",
        ),
        (
            "wrong end",
            "expected to end at fixed, ended at hand-off",
            "hand-off",
            "first -> hand-off",
        ),
        (
            "answers left over",
            "answers never used: check -> 'Works'",
            "hand-off",
            "first -> hand-off",
        ),
        (
            "too few answers",
            "ran out of answers at question check",
            "check",
            "first -> restart -> check",
        ),
        ("gives up", "", "", "first -> hand-off"),
    ],
)
def test_each_kind_of_failure(name: str, reason: str, at: str, path: str) -> None:
    assert failures()[name] == (reason, at, path)


def test_failure_report_text() -> None:
    report = report_for(BAD)
    lines = format_text(report)
    assert lines[0] == f"FAIL bad: wrong place ({BAD}:58:5)"
    assert lines[1] == "  path: first"
    assert lines[2] == "  diverged at first: expected to be at check, was at first"
    assert "PASS bad: gives up" in lines
    assert f"{BAD}:52:5: warning: conclusion 'bad:never' is not covered by any scenario" in lines
    assert lines[-1] == "6 scenarios, 1 passed, 5 failed"
    assert not report.ok()


def test_json_report() -> None:
    data = to_json(report_for(BAD), strict=True)
    assert (data["total"], data["passed"], data["failed"], data["ok"]) == (6, 1, 5, False)
    first = data["scenarios"][0]
    assert first["name"] == "wrong place" and first["line"] == 58 and first["taken"] == ["first"]
    assert {u["node"] for u in data["uncovered"]} == {"fixed", "never"}
    json.dumps(data)


def test_scenario_starting_elsewhere_and_expect_in_another_tree() -> None:
    trees = tree_map(load_catalog([OK, DB]))
    scenario = (
        trees["ok"]
        .scenarios[2]
        .model_copy(update={"start": "db:pool", "answers": trees["ok"].scenarios[2].answers[1:]})
    )
    assert walk_scenario(trees, "ok", scenario) == (("db:pool", "db:raise-limit"), None, None)
    bad_start = scenario.model_copy(update={"start": "db:nowhere"})
    taken, reason, at = walk_scenario(trees, "ok", bad_start)
    assert taken == () and at is None
    assert reason == "cannot start at db:nowhere: tree 'db' has no node 'nowhere'"


def test_broken_link_in_a_walk_is_a_failure_not_a_crash() -> None:
    trees = tree_map(load_catalog([OK]))  # without the db tree
    taken, reason, at = walk_scenario(trees, "ok", trees["ok"].scenarios[2])
    assert reason == "no tree with id 'db'"
    assert taken == ("first",) and at == "first"


def test_load_errors_are_reported() -> None:
    report = report_for(BROKEN, OK, DB)
    assert report.problems and {p.code for p in report.problems} == {"DT102"}
    assert report.passed == 3 and not report.ok()
    lines = format_text(report)
    assert lines[0].startswith(f"{BROKEN}:1:1: error DT102")
    assert "4 load problems: trees not tested" in lines


# -- the command ------------------------------------------------------------------


def test_cli_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", OK, DB]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "3 scenarios, 3 passed, 0 failed"
    assert "warning: escalation 'db:escalate-dba'" in out


def test_cli_strict_fails_on_uncovered(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--strict", OK, DB]) == 1
    assert "error: escalation 'db:escalate-dba' is not covered" in capsys.readouterr().out


def test_cli_failures_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", BAD]) == 1
    out = capsys.readouterr().out
    assert "FAIL bad: too few answers" in out
    assert "  path: first -> restart -> check" in out


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--format", "json", DISK]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["total"], data["passed"], data["ok"]) == (2, 2, True)


def test_cli_load_error_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", BROKEN]) == 1
    assert "DT102" in capsys.readouterr().out


def test_cli_unreadable_path_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml" in capsys.readouterr().err
    # A path that exists but cannot be read as a file (even by root): a socket.
    unreadable = tmp_path / "sock.yaml"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(unreadable))
        assert main(["test", str(unreadable), OK, DB]) == 2
    finally:
        server.close()
    assert "DT010" in capsys.readouterr().out
