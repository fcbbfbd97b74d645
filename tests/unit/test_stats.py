"""Statistics over a generated set of journals, checked against figures the test computes itself.

The generator walks real sessions (Session + Recorder, the app's code path)
from a seeded plan and keeps its own account of each one: tree, outcome, end
node, start and end times, steps gone back to. The expected figures come from
that account, never from the journals.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dectree.cli import main
from dectree.engine.events import SessionOutcome
from dectree.engine.session import Session
from dectree.model.catalog import Catalog
from dectree.records.paths import journal_files
from dectree.records.stats import Options, collect, compute
from tests.unit.records_support import T0, recorder, records_catalog

NOW = T0 + dt.timedelta(days=6)
STALE = dt.timedelta(hours=24)


@dataclass
class Planned:
    """What the generator did, in its own words."""

    tree: str
    outcome: str | None  # None: left unfinished
    end: str
    start: dt.datetime
    last: dt.datetime
    backs: list[str] = field(default_factory=list)


class Clock:
    """A clock that moves a fixed step per reading and remembers the last reading."""

    def __init__(self, start: dt.datetime, step: int) -> None:
        self.now, self.step = start - dt.timedelta(seconds=step), step

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=self.step)
        return self.now


def walk(session: Session, kind: str, back: bool) -> tuple[str, str | None, str, list[str]]:
    """Walk one planned session; returns (tree, outcome, end node, backs)."""
    backs: list[str] = []
    tree = "db" if kind == "escalated_db" else "net"
    session.start(tree)
    if back:  # answer, think again, answer again: the first question is gone back to
        session.choose(1)
        session.back()
        backs.append(f"{tree}:{'pool' if tree == 'db' else 'reach'}")
    if kind == "escalated_db":
        session.choose("Spare slots")
        session.proceed()
        return tree, "escalated", "db:escalate-dba", backs
    if kind == "abandoned":
        session.choose("No")
        session.finish(SessionOutcome.abandoned)
        return tree, "abandoned", "net:restart-nic", backs
    session.choose("Yes | it answers")
    if kind == "unfinished":
        return tree, None, "net:port-open", backs
    if kind == "workaround":
        session.choose("Open")
        session.choose("All in use")
        session.confirm_fixed(True)
        return tree, "workaround", "db:raise-limit", backs
    session.choose("Closed")
    if kind == "resolved":
        session.confirm_fixed(True)
        return tree, "resolved", "net:firewall", backs
    session.confirm_fixed(False)
    session.proceed()
    return tree, "escalated", "net:wait-l2", backs


KINDS = ["resolved"] * 5 + ["workaround"] * 2 + ["escalated_db"] * 2 + ["escalated_fw"] * 2
KINDS += ["abandoned", "unfinished"]


def generate(directory: Path, catalog: Catalog, count: int, seed: int = 7) -> list[Planned]:
    rng = random.Random(seed)
    hook = recorder(directory)
    plans = []
    for number in range(count):
        start = T0 + dt.timedelta(minutes=53 * number)
        clock = Clock(start, rng.randint(5, 900))
        session = Session(
            catalog, clock=clock, session_id=f"{number:04d}{rng.getrandbits(64):016x}"
        )
        hook(session)
        tree, outcome, end, backs = walk(session, rng.choice(KINDS), rng.random() < 0.3)
        plans.append(Planned(tree, outcome, end, start, clock.now, backs))
    return plans


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Planned]]:
    directory = tmp_path_factory.mktemp("sessions")
    return directory, generate(directory, records_catalog(), 150)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(len(ordered) * 9 / 10) - 1]


def counted(plan: Planned) -> str:
    if plan.outcome is not None:
        return plan.outcome
    return "abandoned" if NOW - plan.last >= STALE else "in_progress"


def test_stats_see_every_case_the_journals_hold(generated: tuple[Path, list[Planned]]) -> None:
    """What `dectree stats` reads from the generated journals has every outcome, a stale
    unfinished walk counted as abandoned, one still in progress, and walks that went back."""
    directory, _ = generated
    summaries, errors = collect(journal_files(directory))
    assert errors == []
    result = compute(summaries, Options(now=NOW, top=50))
    assert all(result["outcomes"][o] > 0 for o in ("resolved", "workaround", "escalated"))
    assert result["outcomes"]["abandoned"] > 0 and result["counting"]["in_progress"] > 0
    assert any(s.outcome is None for s in summaries)  # abandoned = stale, not finished
    assert result["went_back_to"]


def test_figures_match_the_plan(generated: tuple[Path, list[Planned]]) -> None:
    directory, plans = generated
    summaries, errors = collect(journal_files(directory))
    assert errors == [] and len(summaries) == len(plans)
    result = compute(summaries, Options(now=NOW, top=50))

    outcomes = Counter(counted(p) for p in plans)
    assert result["sessions"] == len(plans)
    assert result["counting"]["in_progress"] == outcomes["in_progress"]
    assert result["outcomes"] == {
        o: outcomes[o] for o in ("resolved", "workaround", "escalated", "abandoned")
    }
    finished = len(plans) - outcomes["in_progress"]
    assert result["rates"]["success"] == pytest.approx(
        (outcomes["resolved"] + outcomes["workaround"]) / finished
    )
    assert result["rates"]["escalation"] == pytest.approx(outcomes["escalated"] / finished)

    for row in result["trees"]:
        mine = [p for p in plans if p.tree == row["tree"]]
        assert row["sessions"] == len(mine)
        assert row["outcomes"] == {
            o: sum(counted(p) == o for p in mine)
            for o in ("resolved", "workaround", "escalated", "abandoned")
        }
        times = [
            (p.last - p.start).total_seconds()
            for p in mine
            if p.outcome in ("resolved", "workaround", "escalated")
        ]
        assert row["time_to_conclusion"] == {
            "count": len(times),
            "median_seconds": median(times),
            "p90_seconds": p90(times),
        }
    assert [row["tree"] for row in result["trees"]] == [
        tree for tree, _ in Counter(p.tree for p in plans).most_common()
    ]

    ends: dict[str, list[float]] = {}
    for p in plans:
        if p.outcome in ("resolved", "workaround", "escalated"):
            ends.setdefault(p.end, []).append((p.last - p.start).total_seconds())
    assert {c["node"]: c["count"] for c in result["conclusions"]} == {
        ref: len(times) for ref, times in ends.items()
    }
    for row in result["conclusions"]:
        assert row["time_to_conclusion"]["median_seconds"] == median(ends[row["node"]])
        assert row["time_to_conclusion"]["p90_seconds"] == p90(ends[row["node"]])
    counts = [c["count"] for c in result["conclusions"]]
    assert counts == sorted(counts, reverse=True)  # most frequent first

    abandoned = Counter(p.end for p in plans if counted(p) == "abandoned")
    assert {a["node"]: a["count"] for a in result["abandoned_at"]} == dict(abandoned)
    backs = Counter(ref for p in plans for ref in p.backs)
    assert {b["node"]: b["count"] for b in result["went_back_to"]} == dict(backs)
    titles = {b["node"]: b["title"] for b in result["went_back_to"]}
    assert titles.get("net:reach") == "Can you reach the host"


def test_filters(generated: tuple[Path, list[Planned]]) -> None:
    directory, plans = generated
    summaries, _ = collect(journal_files(directory))
    since = (T0 + dt.timedelta(days=3)).date()
    result = compute(summaries, Options(now=NOW, since=since, tree="db"))
    expected = [p for p in plans if p.tree == "db" and p.start.date() >= since]
    assert result["sessions"] == len(expected) > 0
    assert [row["tree"] for row in result["trees"]] == ["db"]


def test_percentiles_on_known_values() -> None:
    from dectree.records.stats import median_p90

    assert median_p90([]) == {"count": 0, "median_seconds": None, "p90_seconds": None}
    assert median_p90([5.0]) == {"count": 1, "median_seconds": 5.0, "p90_seconds": 5.0}
    values = [float(v) for v in range(1, 11)]  # 1..10
    assert median_p90(values) == {"count": 10, "median_seconds": 5.5, "p90_seconds": 9.0}
    assert median_p90([float(v) for v in range(1, 12)])["p90_seconds"] == 10.0


def test_stats_command(
    generated: tuple[Path, list[Planned]], capsys: pytest.CaptureFixture[str]
) -> None:
    directory, plans = generated
    now = ["--now", NOW.isoformat(), "--sessions-dir", str(directory)]
    assert main(["stats", "--format", "json", "--top", "50", *now]) == 0
    data = json.loads(capsys.readouterr().out)
    summaries, _ = collect(journal_files(directory))
    assert data == json.loads(json.dumps(compute(summaries, Options(now=NOW, top=50))))
    assert main(["stats", *now]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{len(plans)} sessions in {directory}\n")
    assert (
        "Counting: unfinished sessions count as abandoned after 24 h without activity; "
        "younger ones are in progress and left out of outcomes and times." in text
    )
    assert "success rate (resolved + workaround)" in text
    assert "net:reach  Can you reach the host" in text


def test_corrupt_journals_are_skipped_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate(tmp_path, records_catalog(), 6, seed=3)
    files = journal_files(tmp_path)
    rows = files[0].read_text().splitlines()
    rows[2] = '{"seq": 2, "type": "answered"'  # cut short, and not the last line
    files[0].write_text("\n".join(rows) + "\n")
    with files[1].open("ab") as handle:  # a torn last line is fine
        handle.write(b'{"seq": 40, "at": "2026-')
    (tmp_path / "20260101T000000Z-empty.jsonl").write_text("")
    assert main(["stats", "--sessions-dir", str(tmp_path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    # The empty journal is unreadable; the one with a bad middle line still counts.
    assert json.loads(captured.out)["skipped_unreadable"] == 1
    assert json.loads(captured.out)["damaged_journals"] == 1
    assert json.loads(captured.out)["sessions"] == 6
    errors = captured.err.splitlines()
    assert any(line.startswith(f"{files[0]}:3: warning: not JSON: ") for line in errors), errors
    assert any(
        line.startswith(f"{tmp_path}/20260101T000000Z-empty.jsonl:1: empty") for line in errors
    )
    assert "Traceback" not in captured.err
    assert main(["stats", "--sessions-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Skipped: 1 unreadable journal(s), named on stderr." in out
    assert "Damaged: 1 journal(s) with unreadable lines" in out


def test_a_structurally_wrong_event_is_a_damaged_line_not_a_traceback(tmp_path: Path) -> None:
    generate(tmp_path, records_catalog(), 1)
    path = journal_files(tmp_path)[0]
    rows = path.read_text().splitlines()
    rows[1] = '{"seq": 1, "type": "started", "at": 7}'
    path.write_text("\n".join(rows) + "\n")
    summaries, errors = collect([path])
    assert errors == [] and summaries[0].damaged == [(2, "not a timestamp: 7")]


def test_sessions_command(
    generated: tuple[Path, list[Planned]], capsys: pytest.CaptureFixture[str]
) -> None:
    directory, plans = generated
    assert main(["sessions", "--sessions-dir", str(directory)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "TREE", "INCIDENT", "STARTED", "(UTC)", "DURATION", "OUTCOME"]
    assert len(lines) == 1 + len(plans)
    first = plans[0]
    assert lines[1].split()[1:5] == [first.tree, "INC-42", "2026-03-01", "12:00"]
    assert lines[1].rstrip().endswith(first.outcome or "in progress")
    assert (
        main(["sessions", "--sessions-dir", str(directory), "--format", "json", "--tree", "db"])
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == sum(p.tree == "db" for p in plans)
    assert main(["sessions", "--sessions-dir", str(directory / "none")]) == 0
    assert "no sessions recorded" in capsys.readouterr().out
