"""Benchmarks of the app (`dectree run`) against minimal Textual apps measured in the same run.

    .venv/bin/python bench/bench_tui.py            # 21 start-ups each, 200 steps per tree
    .venv/bin/python bench/bench_tui.py --quick    # 5 start-ups, 50 steps: to try things out

Prints a Markdown report (also written to `bench/.work/tui/report.md`):

- start-up: a real process on a pty (`bench/tui_startup.py`), from spawn to the
  first frame on the terminal: `python -m dectree` (home screen) and the app
  without the command line (`bench/tui_app.py`), against a Textual app showing
  one Label (`bench/tui_floor.py`); runs interleaved, medians compared;
- walking: key `1` to the frame that shows the next node (prompt and detail),
  over N steps on a 50-node and a 10,000-node tree (`bench/tui_trees.py`),
  against a Label + OptionList walker over the same tree (`tui_floor.FloorWalk`),
  all driven by Pilot in this process (`bench/tui_frames.py`);
- outline: `o` after the walk, to the frame with the current node in it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # the dectree of this checkout, not an installed one

import tui_trees  # noqa: E402 - bench/ is not a package
from machine import host_facts  # noqa: E402
from tui_floor import LABEL_TEXT, FloorWalk, walk_nodes, walk_nodes_all  # noqa: E402
from tui_frames import FrameWatch, Marker, timed_press  # noqa: E402
from tui_startup import first_frames  # noqa: E402

PY = sys.executable
SIZE = (120, 40)
HOME_MARKER = "troubleshooting decision trees"  # the home screen's title line
TREES_MARKER = "Trees ("  # the list title once the trees are loaded
NOW = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.timezone.utc)
# id, nodes, spine length, detail shape, what the report calls it
TREES = (
    ("walk50", 50, 40, "list", "50 nodes"),
    ("walk10k", 10_000, 250, "list", "10,000 nodes"),
    ("walk10kp", 10_000, 250, "paragraphs", "10,000 nodes, details in paragraphs only"),
)
SHIPPED_TREE = "database"  # walked at the size the issue names, with random answers
SHIPPED_SIZE = (100, 30)
SHIPPED_SEED = 17


@dataclass
class Series:
    """Seconds per run or per step."""

    values: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    """CPU seconds of each start-up (user + system, to the frame), where measured."""

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def worst(self) -> float:
        return max(self.values)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def machine() -> str:
    import textual

    f = host_facts()
    return (
        f"{f['cpu']}, {f['memory']}; {f['os']}; Python {f['python']}; "
        f"Textual {textual.__version__}; dectree {f['dectree']}; "
        f"load average at start {f['load average at start']}"
    )


# -- start-up ----------------------------------------------------------------------------


STARTUP_KEYS = ("floor", "app", "cli", "cli_trees", "run", "run10k")
RUN_MARKER = "Triage by symptom"  # the shipped database tree's first node (its kind line)


def startup(runs: int, work: Path, baseline: Path | None = None) -> dict[str, Series]:
    """First-frame times of the floor, the app alone and `python -m dectree`, interleaved.

    Also `dectree run database` and `dectree run` on a 10,000-node tree, to the
    frame showing the first node. The tree cache is warm after the first
    (untimed) start of each, as it is for anyone who has opened the trees once.
    With `baseline` (another checkout of dectree), its app and commands run too,
    interleaved with this checkout's, under keys prefixed `base:`.
    """
    out = {key: Series() for key in STARTUP_KEYS}
    if baseline is not None:
        out.update({f"base:{key}": Series() for key in STARTUP_KEYS if key != "floor"})
    big = work / "trees" / "walk10k.yaml"
    tui_trees.write_walk_tree(work / "trees", "walk10k", 10_000, 250, "list")
    with tempfile.TemporaryDirectory(prefix="dectree-tui-") as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("DECTREE_PATH", "TEXTUAL")}
        env.update(TERM="xterm-256color", COLORTERM="truecolor", DECTREE_HOME=tmp)
        env["DECTREE_CACHE_DIR"] = str(Path(tmp) / "cache")
        outer = env.get("PYTHONPATH")

        def env_for(root: Path) -> dict[str, str]:
            return {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), outer]))}

        own = {
            "app": ([PY, str(HERE / "tui_app.py")], [HOME_MARKER]),
            "cli": ([PY, "-m", "dectree"], [HOME_MARKER, TREES_MARKER]),
            "run": ([PY, "-m", "dectree", "run", "database"], [RUN_MARKER]),
            "run10k": ([PY, "-m", "dectree", "run", str(big)], [tui_trees.prompt_marker(0)]),
        }
        # name -> (command, markers, environment); every command imports the dectree
        # first on its PYTHONPATH (bench/tui_app.py too), so the baseline's run the same way.
        commands = {"floor": ([PY, str(HERE / "tui_floor.py")], [LABEL_TEXT], env_for(HERE.parent))}
        for name, (cmd, markers) in own.items():
            commands[name] = (cmd, markers, env_for(HERE.parent))
            if baseline is not None:
                commands[f"base:{name}"] = (cmd, markers, env_for(baseline))
        for cmd, markers, cmd_env in commands.values():  # warm the file and tree caches once
            first_frames(cmd, markers, env=cmd_env, cwd=tmp, size=SIZE)
        for _ in range(runs):
            for name, (cmd, markers, cmd_env) in commands.items():
                frame = first_frames(cmd, markers, env=cmd_env, cwd=tmp, size=SIZE)
                if any(at is None for at in frame.seen.values()):
                    raise RuntimeError(f"{' '.join(cmd)}: no first frame with {markers}")
                out[name].values.append(frame.seen[markers[0]] or 0.0)
                if frame.cpu is not None:
                    # CPU to the last marker: for "cli", to the trees listed.
                    out[name + ("_trees" if name.endswith("cli") else "")].cpu.append(frame.cpu)
                if name.endswith("cli"):
                    out[name + "_trees"].values.append(frame.seen[TREES_MARKER] or 0.0)
    return out


def render_startup(start: dict[str, Series], runs: int) -> list[str]:
    """The first-frame table, with the baseline's rows under this checkout's if it ran."""
    floor = start["floor"]
    rows = (
        ("floor: Textual app with one Label (`bench/tui_floor.py`)", "floor"),
        ("the app alone: `build_app(...).run()` (`bench/tui_app.py`)", "app"),
        ("`python -m dectree` (home screen)", "cli"),
        ("`python -m dectree`, the shipped trees listed", "cli_trees"),
        ("`dectree run database`, its first node on screen", "run"),
        ("`dectree run` on a 10,000-node tree, its first node on screen", "run10k"),
    )
    lines = [
        f"### First frame on a {SIZE[0]}x{SIZE[1]} pty ({runs} runs each, interleaved)",
        "",
        "CPU: user + system time of the process when the frame was seen (for the home",
        "screen, when the trees were listed); steadier than wall time on a loaded machine.",
        "",
        "| process | median ms | ratio to floor | fastest ms | ratio to floor "
        "| CPU median ms | CPU ratio to floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    floor_cpu = statistics.median(floor.cpu) if floor.cpu else None
    for label, key in rows:
        for prefix, note in (("", ""), ("base:", " (baseline)")):
            r = start.get(prefix + key)
            if r is None:
                continue
            cpu = statistics.median(r.cpu) if r.cpu else None
            cpu_cells = (
                f"| {ms(cpu)} | {cpu / floor_cpu:.2f}x |"
                if cpu is not None and floor_cpu
                else "| | |"
            )
            lines.append(
                f"| {label}{note} | {ms(r.median)} | {r.median / floor.median:.2f}x "
                f"| {ms(min(r.values))} | {min(r.values) / min(floor.values):.2f}x {cpu_cells}"
            )
    return lines


# -- walking -------------------------------------------------------------------------------


@dataclass
class WalkResult:
    steps: Series
    outline: dict[str, float] = field(default_factory=dict)  # after N steps -> seconds


def _markers(index: int, *, detail: bool) -> list[str]:
    markers = [tui_trees.prompt_marker(index)]
    if detail:
        markers.append(tui_trees.detail_marker(index))
    return markers


def _outline_markers(tree: Any, index: int, spine: int) -> list[Marker]:
    """The outline's legend, and the current node's line (◉ then its title) in view."""
    from dectree.engine.search import node_title

    node = tree.nodes[tui_trees.spine_id(index) if index < spine else "retry"]
    return ["question  » action", re.compile("◉ .*" + re.escape(node_title(node, 70)[:16]))]


async def walk_app(catalog: Any, tree_id: str, spine: int, steps: int) -> WalkResult:
    """The real app: `1` at every step; `o` for the outline after 10 steps and at the end."""
    from dectree.app.app import build_app

    tree = catalog.trees[tree_id].tree
    app = build_app(catalog, tree=tree_id, clock=lambda: NOW, today=NOW.date(), cursor_blink=False)
    result = WalkResult(Series())
    async with app.run_test(size=SIZE) as pilot:
        watch = FrameWatch(app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        at = 0
        for step in range(1, steps + 1):
            at = tui_trees.step_after(at, spine)
            result.steps.values.append(
                await timed_press(pilot, watch, "1", _markers(at, detail=True))
            )
            if step in (10, steps):
                markers = _outline_markers(tree, at, spine)
                result.outline[str(step)] = await timed_press(pilot, watch, "o", markers)
                await pilot.press("escape")
                await pilot.pause()
    return result


async def walk_floor(catalog: Any, tree_id: str, spine: int, steps: int) -> WalkResult:
    """The floor: Label + OptionList over the same tree, the same key."""
    tree = catalog.trees[tree_id].tree
    app = FloorWalk(walk_nodes(tree), tree.start)
    result = WalkResult(Series())
    async with app.run_test(size=SIZE) as pilot:
        watch = FrameWatch(app)
        await pilot.pause()
        at = 0
        for _ in range(steps):
            at = tui_trees.step_after(at, spine)
            result.steps.values.append(
                await timed_press(pilot, watch, "1", _markers(at, detail=False))
            )
    return result


def shipped_plan(trees: dict[str, Any], steps: int) -> list[tuple[str, str, str, str]]:
    """Keys for a walk of the shipped tree: (key, next node's ref, its kind line, its prompt).

    A random choice at a question (seeded), `1` to go on after an action, `b`
    (back) at a conclusion or an escalation, so the walk goes on for `steps`.
    """
    import random

    from dectree.app.safe import one_line
    from dectree.app.widgets.outcome_view import KIND_TEXT
    from dectree.engine.session import Session
    from dectree.model.tree import Action, Conclusion, Escalation, Question

    rng = random.Random(SHIPPED_SEED)
    session = Session(trees)
    session.start(SHIPPED_TREE)
    plan = []
    for _ in range(steps):
        node = session.node
        if isinstance(node, Question) and node.choices:
            index = rng.randrange(min(len(node.choices), 9))
            key = str(index + 1)
            session.choose(index)
        elif isinstance(node, Action):
            key = "1"
            session.proceed()
        else:
            key = "b"
            session.back()
        now = session.node
        if isinstance(now, Conclusion):
            kind = KIND_TEXT[now.outcome]  # the badge the app draws: FIX, WORKAROUND ...
            if now.outcome.value == "escalate" and now.level:
                kind += f" · {now.level.value}"
        elif isinstance(now, Escalation):
            kind = f"ESCALATE TO {now.level.value}"
        else:
            kind = now.kind.upper()
        prompt = getattr(now, "prompt", None) or getattr(now, "root_cause", None) or ""
        kind_line = f"{kind}   {one_line(now.title or '')}"[:60]
        plan.append((key, session.current.ref, kind_line, prompt.strip().split("\n")[0][:24]))
    return plan


async def walk_shipped(which: str, steps: int) -> WalkResult:
    """The app, or the floor, over a shipped tree at 100x30: key to the next node on screen."""
    from dectree.model.catalog import load_catalog

    catalog = load_catalog([])
    trees = {tree_id: loaded.tree for tree_id, loaded in catalog.trees.items()}
    plan = shipped_plan(trees, steps)
    result = WalkResult(Series())
    if which == "app":
        from dectree.app.app import build_app

        app: Any = build_app(
            catalog, tree=SHIPPED_TREE, clock=lambda: NOW, today=NOW.date(), cursor_blink=False
        )
    else:
        start = trees[SHIPPED_TREE].start
        floor_nodes = walk_nodes_all(trees)
        app = FloorWalk(floor_nodes, f"{SHIPPED_TREE}:{start}")
        # The floor shows a node's prompt, or its title (a conclusion's): its marker is
        # what it draws, not the app's text (conclusions have titles since issue 16).
        plan = [
            (key, ref, kind_line, floor_nodes[ref][0].strip().split("\n")[0][:24])
            for key, ref, kind_line, _ in plan
        ]
    async with app.run_test(size=SHIPPED_SIZE) as pilot:
        watch = FrameWatch(app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key, _ref, kind_line, prompt in plan:
            marker = kind_line if which == "app" else prompt
            result.steps.values.append(await timed_press(pilot, watch, key, [marker]))
    return result


def walk_one(which: str, tree_id: str, work: Path, steps: int) -> None:
    """Child process: one walk, printed as JSON (each walk gets a fresh interpreter)."""
    from dectree.model.catalog import load_catalog

    if tree_id == SHIPPED_TREE:
        result = asyncio.run(walk_shipped(which, steps))
        print(json.dumps({"steps": result.steps.values, "outline": {}}))
        return
    spine = next(spine for name, _, spine, _, _ in TREES if name == tree_id)
    catalog = load_catalog([str(work / "trees" / f"{tree_id}.yaml")])
    if catalog.problems or tree_id not in catalog.trees:
        raise RuntimeError(f"{tree_id}: {catalog.problems[:3]}")
    run = walk_app if which == "app" else walk_floor
    result = asyncio.run(run(catalog, tree_id, spine, steps))
    print(json.dumps({"steps": result.steps.values, "outline": result.outline}))


def walking(work: Path, steps: int) -> dict[str, dict[str, WalkResult]]:
    out: dict[str, dict[str, WalkResult]] = {}
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")]))
    for tree_id, nodes, spine, shape, _ in [*TREES, (SHIPPED_TREE, 0, 0, "", "")]:
        if tree_id != SHIPPED_TREE:
            tui_trees.write_walk_tree(work / "trees", tree_id, nodes, spine, shape)
        row: dict[str, WalkResult] = {}
        for name in ("floor", "app"):
            cmd = [PY, __file__, "--walk-one", name, tree_id, "--steps", str(steps)]
            done = subprocess.run(
                [*cmd, "--work", str(work)], capture_output=True, text=True, check=False, env=env
            )
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)}: {done.stderr[-2000:]}")
            data = json.loads(done.stdout)
            row[name] = WalkResult(Series(data["steps"]), data["outline"])
            print(
                f"  {tree_id} {name}: median {1000 * row[name].steps.median:.1f} ms, "
                f"worst {1000 * row[name].steps.worst:.1f} ms",
                file=sys.stderr,
            )
        out[tree_id] = row
    return out


# -- report ----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f}"


def render(
    info: str,
    start: dict[str, Series],
    walks: dict[str, dict[str, WalkResult]],
    steps: int,
    runs: int,
) -> str:
    lines = [f"Machine: {info}", "", *render_startup(start, runs)]
    f, a = walks[SHIPPED_TREE]["floor"].steps, walks[SHIPPED_TREE]["app"].steps
    lines += [
        "",
        f"### Key to next node on screen, the shipped `{SHIPPED_TREE}` tree at "
        f"{SHIPPED_SIZE[0]}x{SHIPPED_SIZE[1]}, {steps} steps (random answers, back at outcomes)",
        "",
        "| | median ms | p90 ms | worst ms | median ratio to floor |",
        "|---|---:|---:|---:|---:|",
        f"| floor: Label + OptionList, same keys | {ms(f.median)} | {ms(f.quantile(0.9))} "
        f"| {ms(f.worst)} | 1.00x |",
        f"| the app | {ms(a.median)} | {ms(a.quantile(0.9))} | {ms(a.worst)} "
        f"| {a.median / f.median:.2f}x |",
        "",
        "Goal: median under 30 ms, p90 under 50 ms.",
    ]
    lines += [
        "",
        f"### Key to next node on screen, {steps} steps (Pilot, frames rendered to terminal text)",
        "",
        "| tree | floor median ms | floor worst ms | app median ms | app worst ms | app p95 ms | median ratio | worst ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for tree_id, _, _, _, title in TREES:
        f, a = walks[tree_id]["floor"].steps, walks[tree_id]["app"].steps
        lines.append(
            f"| {title} | {ms(f.median)} | {ms(f.worst)} | {ms(a.median)} | {ms(a.worst)} "
            f"| {ms(a.quantile(0.95))} | {a.median / f.median:.2f}x | {a.worst / f.worst:.2f}x |"
        )
    small, big = walks["walk50"]["app"], walks["walk10k"]["app"]
    first, second, last = (
        Series(big.steps.values[:20]),
        Series(big.steps.values[20:40]),
        Series(big.steps.values[-20:]),
    )
    lines += [
        "",
        "### Growth",
        "",
        f"- app median, 10,000 vs 50 nodes: {big.steps.median / small.steps.median:.2f}x",
        f"- 10,000 nodes, median of steps 1-20 / 21-40 / the last 20 (path panel at {steps} "
        f"entries): {ms(first.median)} / {ms(second.median)} / {ms(last.median)} ms",
        f"- outline (`o`) to the current node's line on screen, after 10 steps: "
        f"{ms(small.outline['10'])} ms (50 nodes), {ms(big.outline['10'])} ms (10,000 nodes); "
        f"after {steps} steps: {ms(small.outline[str(steps)])} ms (50 nodes, the walk went "
        f"round the retry loop), {ms(big.outline[str(steps)])} ms (10,000 nodes, {steps} levels deep)",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 start-ups, 50 steps")
    parser.add_argument("--runs", type=int, help="start-ups per process (default 21)")
    parser.add_argument("--steps", type=int, help="steps per walk (default 200)")
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument(
        "--startup-only", action="store_true", help="only the first frames (no walking)"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="DIR",
        help="another checkout whose start-ups run interleaved with this one's (before/after)",
    )
    parser.add_argument("--work", type=Path, default=HERE / ".work" / "tui")
    parser.add_argument(
        "--walk-one", nargs=2, metavar=("floor|app", "TREE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    runs = args.runs or (5 if args.quick else 21)
    steps = args.steps or (50 if args.quick else 200)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    if args.walk_one:
        walk_one(args.walk_one[0], args.walk_one[1], work, steps)
        return 0
    info = machine()
    print("start-up", file=sys.stderr)
    start = (
        {k: Series([1.0]) for k in STARTUP_KEYS}
        if args.skip_startup
        else startup(runs, work, args.baseline.resolve() if args.baseline else None)
    )
    if args.startup_only:
        report = "\n".join([f"Machine: {info}", "", *render_startup(start, runs), ""])
        (work / "startup.md").write_text(report)
        print(report)
        return 0
    print("walking", file=sys.stderr)
    walks = walking(work, steps)
    report = render(info, start, walks, steps, runs)
    (work / "report.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
