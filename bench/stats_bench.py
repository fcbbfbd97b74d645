"""`dectree stats` over many journals.

`python bench/stats_bench.py [--journals 10000] [--work DIR]` records real
sessions on the shipped trees (Session + Recorder: the app's code path, random
answers, some gone back, abandoned or left open), then copies them under fresh
session ids until there are `--journals` files, and times
`dectree stats --sessions-dir DIR` as its own process. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
from pathlib import Path

from dectree.engine.events import SessionOutcome
from dectree.engine.session import Session
from dectree.model.catalog import load_catalog
from dectree.model.discovery import bundled_trees_dir
from dectree.model.tree import Action, Conclusion, Escalation, Question
from dectree.records.paths import JOURNAL_SUFFIX, journal_files
from dectree.records.writer import Recorder

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import run_once  # noqa: E402 - bench/ is not a package

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)
TEMPLATES = 60


def walk(session: Session, rng: random.Random, tree_ids: list[str]) -> None:
    """Answer at random until the walk ends, is abandoned or is left open."""
    session.start(rng.choice(tree_ids))
    for _ in range(40):
        if session.outcome is not None:
            return
        roll = rng.random()
        if roll < 0.03:
            session.finish(SessionOutcome.abandoned)
            return
        if roll < 0.05:
            return  # left open
        node = session.node
        try:
            if isinstance(node, Question):
                session.choose(rng.randrange(len(node.choices)))
                if rng.random() < 0.1:
                    session.back()
            elif isinstance(node, (Action, Escalation)):
                session.proceed()
            elif isinstance(node, Conclusion):
                session.confirm_fixed(rng.random() < 0.8)
                if session.outcome is None and session.node is node:
                    session.finish(SessionOutcome.escalated, level=node.level)
        except Exception:  # a walk the random answers cannot continue: leave it there
            return


def record(directory: Path, count: int, seed: int = 11) -> list[Path]:
    catalog = load_catalog([str(bundled_trees_dir())])
    tree_ids = sorted(catalog.trees)
    rng = random.Random(seed)
    for number in range(count):
        start = T0 + dt.timedelta(minutes=97 * number)
        ticks = iter(range(0, 10**7, rng.randint(5, 600)))
        session = Session(
            catalog,
            clock=lambda start=start, ticks=ticks: start + dt.timedelta(seconds=next(ticks)),
            session_id=f"{number:04d}{rng.getrandbits(112):028x}",
        )
        Recorder(directory, engineer="bench", host="bench-host")(session)
        walk(session, rng, tree_ids)
    return journal_files(directory)


def copies(templates: list[Path], directory: Path, total: int) -> None:
    """Fill `directory` with `total` journals copied from `templates` under new ids."""
    rng = random.Random(5)
    for number in range(total):
        source = templates[number % len(templates)]
        stamp, old_id = source.name[: -len(JOURNAL_SUFFIX)].split("-", 1)
        new_id = f"{number:08x}{rng.getrandbits(96):024x}"
        text = source.read_text(encoding="utf-8").replace(old_id, new_id)
        (directory / f"{stamp}-{new_id}{JOURNAL_SUFFIX}").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journals", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    args = parser.parse_args()
    base = args.work / "journals"
    stamp = base / "count.txt"
    sessions = base / "sessions"
    if not stamp.exists() or stamp.read_text() != str(args.journals):
        shutil.rmtree(base, ignore_errors=True)
        sessions.mkdir(parents=True)
        templates = record(base / "templates", TEMPLATES)
        copies(templates, sessions, args.journals)
        stamp.write_text(str(args.journals))
    cmd = [
        sys.executable,
        "-m",
        "dectree",
        "stats",
        "--sessions-dir",
        str(sessions),
        "--now",
        "2026-12-01T00:00:00+00:00",
    ]
    walls = []
    peak = 0.0
    for _ in range(3):
        wall, peak_mb, code = run_once(cmd, cwd=args.work, env=dict(os.environ), timeout=600)
        if code != 0:
            raise SystemExit(f"dectree stats exited {code}")
        walls.append(wall)
        peak = max(peak, peak_mb)
    walls.sort()
    print(
        json.dumps({"journals": len(journal_files(sessions)), "wall_s": walls[1], "peak_mb": peak})
    )


if __name__ == "__main__":
    main()
