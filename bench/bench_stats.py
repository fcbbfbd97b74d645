"""Benchmark: `dectree stats` over 10,000 session journals.

Journals are made the way the app makes them: random walks (back, notes,
copied commands, every outcome, some left unfinished) through the bundled trees
by a real `Session` with a `Recorder` attached. To keep generation quick, 200
walks are recorded (with fsync switched off, which the benchmark does not
measure) and cloned into 10,000 journals with fresh session ids and start
times. Then the timed part runs the stats command's own code path.

    python bench/bench_stats.py                 # 10,000 journals in a temporary directory
    python bench/bench_stats.py --count 50000 --dir /tmp/j --keep
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from dectree.engine.events import SessionOutcome
from dectree.engine.session import Session, SessionState
from dectree.model.catalog import load_catalog
from dectree.model.tree import Action, Conclusion, Escalation, Question
from dectree.records.paths import journal_files, journal_name
from dectree.records.writer import Recorder

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def random_walk(session: Session, tree_id: str, rng: random.Random) -> None:
    """Walk `tree_id` at random until it ends, is abandoned, or is left unfinished."""
    session.start(tree_id)
    for _ in range(rng.randint(3, 30)):
        state = session.state
        if state is SessionState.finished:
            return
        if state is SessionState.awaiting_escalation:
            session.finish(SessionOutcome.escalated if rng.random() < 0.8 else "abandoned")
            return
        if rng.random() < 0.1 and session.step_index > 0:
            session.back()
            continue
        if rng.random() < 0.15:
            session.note(rng.choice(["checked the logs", "restarted, no change", "see INC-1234"]))
        node = session.node
        if session.commands() and rng.random() < 0.3:
            session.copy_command(0)
        if isinstance(node, Question):
            session.choose(rng.randrange(len(node.choices)))
        elif isinstance(node, (Action, Escalation)):
            session.proceed()
        elif isinstance(node, Conclusion):
            session.confirm_fixed(rng.random() < 0.75)
    if session.state is not SessionState.finished and rng.random() < 0.5:
        session.finish(SessionOutcome.abandoned)


def make_templates(
    directory: Path, count: int, rng: random.Random
) -> list[list[dict[str, object]]]:
    """Record `count` random walks; return each journal as its parsed lines."""
    catalog = load_catalog([])
    recorder = Recorder(directory, engineer="bench", host="bench-host", incident="INC-0")
    real_fsync = os.fsync
    os.fsync = lambda fd: None  # generation only; the journal writer fsyncs in real use
    try:
        for number in range(count):
            step = rng.randint(5, 600)
            moments = iter(T0 + dt.timedelta(seconds=step * i) for i in range(10**6))
            session = Session(catalog, clock=lambda m=moments: next(m), session_id=f"t{number:05d}")
            recorder(session)
            random_walk(session, rng.choice(sorted(catalog.trees)), rng)
    finally:
        os.fsync = real_fsync
    return [
        [json.loads(line) for line in path.read_text().splitlines()]
        for path in journal_files(directory)
    ]


def shifted(value: object, delta: dt.timedelta) -> object:
    moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")) + delta
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + "Z"


def clone(
    templates: list[list[dict[str, object]]], directory: Path, count: int, rng: random.Random
) -> int:
    """Write `count` journals copied from the templates; returns the bytes written."""
    total = 0
    for number in range(count):
        lines = templates[rng.randrange(len(templates))]
        session_id = f"{number:08d}{rng.getrandbits(96):024x}"
        delta = dt.timedelta(minutes=7 * number)
        out = []
        for line in lines:
            line = dict(line)
            if "session_id" in line:
                line["session_id"] = session_id
            for key in ("at", "started_at"):
                if key in line:
                    line[key] = shifted(line[key], delta)
            out.append(json.dumps(line, separators=(",", ":")))
        data = "\n".join(out) + "\n"
        (directory / journal_name(session_id, T0 + delta)).write_text(data)
        total += len(data)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--templates", type=int, default=200)
    parser.add_argument("--dir", help="directory for the journals (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the journals afterwards")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="dectree-bench-"))
    sessions = root / "sessions"
    try:
        sessions.mkdir(parents=True, exist_ok=True)
        if len(journal_files(sessions)) != args.count:
            started = time.perf_counter()
            templates = make_templates(root / "templates", args.templates, rng)
            size = clone(templates, sessions, args.count, rng)
            print(
                f"generated {args.count} journals ({size / 1e6:.1f} MB) from {len(templates)} "
                f"recorded walks in {time.perf_counter() - started:.1f} s"
            )
        from dectree.cli import main as dectree

        for fmt in ("text", "json"):
            started = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()) as out:
                code = dectree(["stats", "--sessions-dir", str(sessions), "--format", fmt])
            elapsed = time.perf_counter() - started
            print(
                f"dectree stats --format {fmt} over {args.count} journals: {elapsed:.2f} s (exit {code})"
            )
        print(out.getvalue()[:0], end="")
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            dectree(["sessions", "--sessions-dir", str(sessions)])
        print(f"dectree sessions over {args.count} journals: {time.perf_counter() - started:.2f} s")
    finally:
        if not args.keep and not args.dir:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
