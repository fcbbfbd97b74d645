"""Take SVG screenshots of dectree's main screens from the real app and the real trees.

    .venv/bin/python scripts/screenshots.py [--out screenshots] [--size 100x32] [TREES...]

Drives the app headless with Textual's Pilot, exactly as a user would: paste an
error into the search box, open the best match, answer until a conclusion,
open the outline and the help; then a step where a scenario's real check
output is recorded (nothing is run), to show what it suggests. Time is frozen
so the pictures only change when the app or the trees do.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dectree.app.app import DectreeApp, build_app  # noqa: E402
from dectree.app.screens.walk import WalkScreen  # noqa: E402
from dectree.model.catalog import Catalog, load_catalog  # noqa: E402
from dectree.model.tree import Conclusion, Escalation, Question  # noqa: E402

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone.utc)
ERROR = "psql: error: connection to server failed: FATAL:  sorry, too many clients already"


def _frozen() -> dt.datetime:
    return NOW


async def take(out: Path, size: tuple[int, int], paths: list[str]) -> list[Path]:
    catalog = load_catalog(paths)
    if not catalog.trees:
        raise SystemExit("no trees found: run from the repository root or pass tree paths")
    app: DectreeApp = build_app(catalog, clock=_frozen, today=NOW.date(), cursor_blink=False)
    written: list[Path] = []

    def shot(name: str) -> None:
        path = out / f"{name}.svg"
        app.save_screenshot(str(path))
        written.append(path)

    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        shot("home")
        await pilot.press(*ERROR)
        await pilot.pause()
        shot("search")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        if not isinstance(screen, WalkScreen):
            raise SystemExit(f"the search for {ERROR!r} did not open a walk")
        shot("walk")
        for _ in range(20):
            if isinstance(screen.session.node, (Conclusion, Escalation)):
                break
            await pilot.press("1")
            await pilot.pause()
        shot("conclusion")
        await pilot.press("o")
        await pilot.pause()
        shot("outline")
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        shot("help")
        await pilot.press("escape")
        sample = _first_sample(catalog)
        if sample is not None:
            tree_id, node_id, check, output, code = sample
            app.go_home()
            app.start_walk(tree_id, node_id)
            await pilot.pause()
            walk = app.screen
            assert isinstance(walk, WalkScreen)
            # Recorded as MCP's report_output records it: nothing is run.
            walk.session.report_output(check, output, code, seconds=0.4)
            await pilot.pause()
            shot("suggested")
    return written


def _first_sample(catalog: Catalog) -> tuple[str, str, int, str, int | None] | None:
    """A scenario's real check output: (tree, question, check index, output, exit code)."""
    for tree_id in ("database", *sorted(catalog.trees)):
        loaded = catalog.trees.get(tree_id)
        for scenario in loaded.tree.scenarios if loaded else []:
            for answer in scenario.answers:
                node = loaded.tree.nodes.get(answer.at) if loaded else None
                if answer.output and isinstance(node, Question) and isinstance(answer.check, int):
                    return tree_id, answer.at, answer.check, answer.output, answer.exit
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "trees")], metavar="TREES")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--size", default="100x32", help="terminal size, COLUMNSxROWS")
    args = parser.parse_args()
    columns, _, rows = args.size.partition("x")
    args.out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(take(args.out, (int(columns), int(rows)), args.paths)):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
