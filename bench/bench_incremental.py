"""The pre-commit loop: one changed file in a set of trees against a cold run, interleaved.

    .venv/bin/python bench/bench_incremental.py SET_DIR [--rounds 5] [--json]

Primes a fresh cache (`DECTREE_CACHE_DIR` in a scratch folder) with one
`dectree validate SET_DIR`, then runs, round after round on the same files:

- an edit to one file, then `dectree validate SET_DIR` (the incremental run);
- `dectree validate --no-cache SET_DIR` (the cold run);
- `python -c "import yaml"` (the interpreter floor).

The edits go round three kinds, each to another file: a comment appended (the
bytes change, the tree does not), a prompt reworded (a content change), and a
link into another tree moved to another node (a change the checks across
trees must see). Every file is put back at the end. Reported: median wall and
CPU (user + system) seconds of each command, and the incremental run's ratio
to the cold run of the same rounds. Every command is its own process; nothing
is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and exit code of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


LINK = re.compile(r'(next: "?)(t\d{4}):n(\d+)')


def edit(path: Path, kind: int, count: int) -> None:
    """One edit of the kind `kind % 3` to `path`."""
    text = path.read_text(encoding="utf-8")
    if kind % 3 == 0:
        text += f"# edit {count}\n"
    elif kind % 3 == 1:
        text = text.replace("prompt: ", f"prompt: Edit {count}: ", 1)
    else:
        found = LINK.search(text)
        if found is None:
            text += f"# edit {count}\n"
        else:
            moved = f"{found.group(1)}{found.group(2)}:n{(int(found.group(3)) % 150) + 1}"
            text = text[: found.start()] + moved + text[found.end() :]
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("set", type=Path, help="a folder of tree files (bench/gen.py --trees ...)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = parser.parse_args()
    folder = args.set.resolve()
    files = sorted(folder.glob("*.yaml"))
    originals = {p: p.read_bytes() for p in files}
    env = dict(os.environ)
    env.pop("DECTREE_NO_CACHE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")]))
    scratch = Path(tempfile.mkdtemp(prefix="dectree-incr-"))
    env["DECTREE_CACHE_DIR"] = str(scratch / "cache")
    validate = [
        PY,
        "-m",
        "dectree",
        "validate",
        "--today",
        "2026-11-26",
        "--max-bytes",
        "1000000000",
    ]
    runs: dict[str, list[tuple[float, float]]] = {"changed": [], "cold": [], "floor": []}
    codes: set[int] = set()
    try:
        timed([*validate, str(folder)], env, scratch)  # primes the cache
        for number in range(args.rounds):
            edit(files[(number * 7) % len(files)], number, number)
            wall, cpu, code = timed([*validate, str(folder)], env, scratch)
            runs["changed"].append((wall, cpu))
            codes.add(code)
            wall, cpu, code = timed([*validate, "--no-cache", str(folder)], env, scratch)
            runs["cold"].append((wall, cpu))
            codes.add(code)
            runs["floor"].append(timed([PY, "-c", "import yaml"], env, scratch)[:2])
            print(
                f"  round {number + 1}: changed {runs['changed'][-1][0]:.2f} s, "
                f"cold {runs['cold'][-1][0]:.2f} s",
                file=sys.stderr,
            )
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
        shutil.rmtree(scratch, ignore_errors=True)
    result: dict[str, object] = {
        "files": len(files),
        "rounds": args.rounds,
        "exit_codes": sorted(codes),
    }
    for name, values in runs.items():
        result[name] = {
            "wall_s": statistics.median(w for w, _ in values),
            "cpu_s": statistics.median(c for _, c in values),
        }
    changed, cold = runs["changed"], runs["cold"]
    result["ratio_wall"] = statistics.median(c[0] for c in changed) / statistics.median(
        c[0] for c in cold
    )
    result["ratio_cpu"] = statistics.median(c[1] for c in changed) / statistics.median(
        c[1] for c in cold
    )
    result["ratio_wall_per_round"] = [a[0] / b[0] for a, b in zip(changed, cold, strict=True)]
    if args.json:
        print(json.dumps(result))
        return 0
    print(render(result))
    return 0


def render(result: dict[str, object]) -> str:
    """The Markdown table of one run."""
    out = [
        f"One changed file in {result['files']} trees, {result['rounds']} interleaved rounds "
        "(median seconds):",
        "",
        "| command | wall s | CPU s |",
        "|---|---:|---:|",
    ]
    for name, label in (
        ("floor", '`python -c "import yaml"` (floor)'),
        ("cold", "`dectree validate --no-cache`"),
        ("changed", "`dectree validate`, one file edited since the last run"),
    ):
        row = result[name]
        assert isinstance(row, dict)
        out.append(f"| {label} | {row['wall_s']:.2f} | {row['cpu_s']:.2f} |")
    out.append("")
    out.append(
        f"Incremental / cold: {100 * float(result['ratio_wall']):.0f}% of the wall time, "  # type: ignore[arg-type]
        f"{100 * float(result['ratio_cpu']):.0f}% of the CPU time (goal < 20%)."  # type: ignore[arg-type]
    )
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
