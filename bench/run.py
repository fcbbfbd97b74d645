"""Benchmarks of `dectree validate` at scale against the tools a tree author would otherwise use.

One command runs everything and prints a Markdown report with ratios measured
in the same run, on the same files:

    .venv/bin/python bench/run.py            # 100,000 nodes; ~10 min with check-jsonschema
    .venv/bin/python bench/run.py --quick    # 10,000 nodes, to try things out

Peers: `bench/naive_load.py` (PyYAML's CSafeLoader over every file) and
`check-jsonschema` with the schema printed by `dectree schema` (install it with
`pip install -r bench/requirements.txt`, in this venv or in `bench/.venv`).
Every command runs as its own process; wall time is the median of `--repeat`
runs, peak memory the largest maximum resident set size (`wait4`'s ru_maxrss).
Generated data, cache folders and the report live in `bench/.work/`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # the dectree of this checkout, not an installed one
import gen  # noqa: E402 - bench/ is not a package
from machine import host_facts  # noqa: E402 - bench/ is not a package

PY = sys.executable


@dataclass
class Result:
    """Median wall time and peak memory over the runs of one command."""

    label: str
    walls: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    codes: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(self.walls) if self.walls else float("nan")


GNU_TIME = Path("/usr/bin/time")


def run_once(
    cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: float
) -> tuple[float, float, int]:
    """Wall seconds, peak MB and exit code of one process.

    Peak memory is read by GNU time when it is installed: a child forked from
    this (large) process would report this process's size as its own peak,
    because Linux keeps the high-water mark across exec; time is small.
    """
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "time"
        wrapped = [str(GNU_TIME), "-f", "%M", "-o", str(report), *cmd] if GNU_TIME.exists() else cmd
        with open(Path(scratch) / "err", "w+b") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(
                wrapped, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err
            )
            timer = threading.Timer(timeout, proc.kill)
            timer.start()
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            timer.cancel()
            code = os.waitstatus_to_exitcode(status)
            if code not in (0, 1):
                err.seek(0)
                tail = err.read()[-400:].decode(errors="replace")
                print(f"  ! {' '.join(cmd[:4])}... exited {code}: {tail}", file=sys.stderr)
        peak_kb = float(usage.ru_maxrss)
        if GNU_TIME.exists():
            lines = report.read_text().split() if report.exists() else []
            peak_kb = float(lines[-1]) if lines and lines[-1].isdigit() else float("nan")
    return wall, peak_kb / 1024, code


def measure(
    label: str,
    cmd: list[str],
    *,
    repeat: int,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 1800,
    before: object = None,
) -> Result:
    result = Result(label)
    for _ in range(repeat):
        if callable(before):
            before()
        wall, peak, code = run_once(cmd, cwd=cwd, env=env or dict(os.environ), timeout=timeout)
        result.walls.append(wall)
        result.peak_mb = max(result.peak_mb, peak)
        result.codes.append(code)
    print(
        f"  {label}: {result.wall:.3f} s, {result.peak_mb:.0f} MB, exit {result.codes}",
        file=sys.stderr,
    )
    return result


def find_check_jsonschema() -> str | None:
    for candidate in (
        Path(PY).parent / "check-jsonschema",
        HERE / ".venv" / "bin" / "check-jsonschema",
    ):
        if candidate.exists():
            return str(candidate)
    return shutil.which("check-jsonschema")


def machine() -> dict[str, str]:
    import pydantic
    import yaml

    facts = host_facts()
    facts["pyyaml"] = f"{yaml.__version__} (libyaml {'yes' if yaml.__with_libyaml__ else 'no'})"
    facts["pydantic"] = pydantic.VERSION
    return facts


def prepare(work: Path, nodes: int, trees: int, per_tree: int) -> tuple[Path, Path]:
    """Generate (or reuse) one tree of `nodes` nodes and a set of `trees` trees."""
    stamp = work / "data.json"
    wanted = {
        "nodes": nodes,
        "trees": trees,
        "per_tree": per_tree,
        "gen": (HERE / "gen.py").stat().st_mtime_ns,
    }
    one, many = work / "one", work / "set"
    if not stamp.exists() or json.loads(stamp.read_text()) != wanted:
        shutil.rmtree(one, ignore_errors=True)
        shutil.rmtree(many, ignore_errors=True)
        print(
            f"generating {nodes:,} nodes in one file and {trees} x {per_tree} ...", file=sys.stderr
        )
        gen.write_one(one, nodes)
        gen.write_set(many, trees, per_tree)
        stamp.write_text(json.dumps(wanted))
    return one / "big.yaml", many


def size_mb(paths: list[Path]) -> float:
    return sum(p.stat().st_size for p in paths) / 1e6


def fmt(r: Result | None) -> tuple[str, str]:
    if r is None:
        return "not run", ""
    return f"{r.wall:.2f}", f"{r.peak_mb:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 nodes instead of 100,000")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per dectree measurement (median)"
    )
    parser.add_argument("--peer-repeat", type=int, default=1, help="runs per peer measurement")
    parser.add_argument(
        "--no-peers", action="store_true", help="skip the naive script and check-jsonschema"
    )
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--no-app", action="store_true", help="skip the app (bench_tui.py)")
    args = parser.parse_args()

    # Every command below measures the dectree of this checkout, not an installed one.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")])
    )
    nodes = 10_000 if args.quick else 100_000
    trees, per_tree = (50, 200) if args.quick else (500, 200)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    info = machine()
    big, many = prepare(work, nodes, trees, per_tree)
    set_files = sorted(many.glob("*.yaml"))
    schema = work / "tree.schema.json"
    schema.write_text(
        subprocess.run(
            [PY, "-m", "dectree", "schema"], capture_output=True, text=True, check=True
        ).stdout
    )
    cjs = None if args.no_peers else find_check_jsonschema()
    dectree = [PY, "-m", "dectree", "validate", "--today", "2026-11-26"]
    env = dict(os.environ)
    env.pop("DECTREE_NO_CACHE", None)
    rep, prep = args.repeat, args.peer_repeat
    results: dict[str, dict[str, Result | None]] = {}
    incremental: dict[str, object] | None = None
    caches = work / "caches"

    def fresh_cache(name: str) -> dict[str, str]:
        shutil.rmtree(caches / name, ignore_errors=True)
        return {**env, "DECTREE_CACHE_DIR": str(caches / name)}

    for name, files, target in (("one", [big], [str(big)]), ("set", set_files, [str(many)])):
        print(f"{name}: {len(files)} file(s), {size_mb(files):.1f} MB", file=sys.stderr)
        row: dict[str, Result | None] = {}
        limit = ["--max-bytes", str(1 << 30)]
        row["cold"] = measure(
            "dectree validate --no-cache",
            [*dectree, "--no-cache", *limit, *target],
            repeat=rep,
            cwd=work,
            env=env,
        )
        cache_env = {**env, "DECTREE_CACHE_DIR": str(caches / name)}
        row["cold_cache"] = measure(
            "dectree validate (empty cache)",
            [*dectree, *limit, *target],
            repeat=rep,
            cwd=work,
            env=cache_env,
            before=lambda n=name: fresh_cache(n),
        )
        row["warm"] = measure(
            "dectree validate (warm cache)",
            [*dectree, *limit, *target],
            repeat=rep,
            cwd=work,
            env=cache_env,
        )
        if name == "set":
            touched = files[0]
            original = touched.read_bytes()
            counter = iter(range(1_000_000))

            def touch(
                path: Path = touched, text: bytes = original, count: object = counter
            ) -> None:
                path.write_bytes(text + f"# edit {next(count)}\n".encode())  # type: ignore[call-overload]

            try:
                row["changed"] = measure(
                    "dectree validate (one file changed)",
                    [*dectree, *limit, *target],
                    repeat=rep,
                    cwd=work,
                    env=cache_env,
                    before=touch,
                )
            finally:
                touched.write_bytes(original)
            print(
                "  one file changed, interleaved with cold runs (bench_incremental.py)",
                file=sys.stderr,
            )
            done = subprocess.run(
                [
                    PY,
                    str(HERE / "bench_incremental.py"),
                    "--json",
                    "--rounds",
                    str(max(rep, 5)),
                    str(many),
                ],
                capture_output=True,
                text=True,
                check=False,
                env=env,
            )
            incremental = (
                json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr[-400:]}
            )
        row["naive"] = (
            None
            if args.no_peers
            else measure(
                "naive CSafeLoader script",
                [PY, str(HERE / "naive_load.py"), *map(str, files)],
                repeat=prep,
                cwd=work,
            )
        )
        row["cjs"] = (
            None
            if cjs is None
            else measure(
                "check-jsonschema",
                [cjs, "--schemafile", str(schema), *map(str, files)],
                repeat=prep,
                cwd=work,
                timeout=3600,
            )
        )
        results[name] = row

    print("start-up", file=sys.stderr)
    from dectree.model.discovery import bundled_trees_dir

    shipped = sorted(bundled_trees_dir().glob("*.yaml"))
    startup = {
        "floor": measure(
            'python -c "import yaml"', [PY, "-c", "import yaml"], repeat=max(rep, 10), cwd=work
        ),
        "cold": measure(
            "dectree validate --no-cache (shipped)",
            [*dectree, "--no-cache", *map(str, shipped)],
            repeat=max(rep, 5),
            cwd=work,
            env=env,
        ),
    }
    ship_env = fresh_cache("shipped")
    measure("prime", [*dectree, *map(str, shipped)], repeat=1, cwd=work, env=ship_env)
    startup["warm"] = measure(
        "dectree validate (shipped, warm)",
        [*dectree, *map(str, shipped)],
        repeat=max(rep, 5),
        cwd=work,
        env=ship_env,
    )

    print("hostile inputs", file=sys.stderr)
    sys.path.insert(0, str(HERE.parent))
    from dectree.model.catalog import load_file
    from tests.unit.test_robustness import HOSTILE  # the inputs the test suite refuses

    hostile_dir = work / "hostile"
    hostile_dir.mkdir(exist_ok=True)
    hostile: dict[str, Result] = {}
    for name in sorted(HOSTILE):
        (hostile_dir / name).mkdir(exist_ok=True)  # alone: validate loads a file's siblings
        path = hostile_dir / name / "input.yaml"
        path.write_bytes(HOSTILE[name][0]())
        hostile[name] = measure(
            name, [*dectree, "--no-cache", str(path)], repeat=rep, cwd=work, env=env
        )
        started = time.perf_counter()
        _, found = load_file(path)  # the refusal itself, without interpreter start-up
        hostile[name].note = f"{1000 * (time.perf_counter() - started):.1f} ms, {found[0].code}"

    print("search", file=sys.stderr)
    search = json.loads(
        subprocess.run(
            [PY, str(HERE / "search_bench.py"), str(big)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    stats = None
    if (HERE / "stats_bench.py").exists():
        print("stats", file=sys.stderr)
        done = subprocess.run(
            [PY, str(HERE / "stats_bench.py"), "--work", str(work)],
            capture_output=True,
            text=True,
            check=False,
        )
        stats = json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr[-400:]}

    report = render(
        info,
        results,
        startup,
        hostile,
        search,
        stats,
        incremental,
        nodes,
        len(set_files),
        per_tree,
        big,
        set_files,
        shipped,
        cjs,
    )
    if not args.no_app and (HERE / "bench_tui.py").exists():
        print("the app (bench_tui.py)", file=sys.stderr)
        tui = [PY, str(HERE / "bench_tui.py"), *(["--quick"] if args.quick else [])]
        done = subprocess.run(tui, capture_output=True, text=True, check=False)
        failed = f"bench_tui.py failed:\n\n```\n{done.stderr[-2000:]}\n```\n"
        report += "\n## The app\n\n" + (done.stdout if done.returncode == 0 else failed)
    (work / "report.md").write_text(report)
    print(report)
    return 0


def render(
    info: dict[str, str],
    results: dict[str, dict[str, Result | None]],
    startup: dict[str, Result],
    hostile: dict[str, Result],
    search: dict[str, object],
    stats: dict[str, object] | None,
    incremental: dict[str, object] | None,
    nodes: int,
    trees: int,
    per_tree: int,
    big: Path,
    set_files: list[Path],
    shipped: list[Path],
    cjs: str | None,
) -> str:
    out: list[str] = []
    out.append("Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()))
    out.append("")
    titles = {
        "one": f"one file, {nodes:,} nodes, {size_mb([big]):.1f} MB",
        "set": f"{trees} files x {per_tree} nodes, cross-tree links, {size_mb(set_files):.1f} MB",
    }
    goals: list[str] = []
    for name, row in results.items():
        cold = row["cold"]
        assert cold is not None
        out.append(f"### Validation, {titles[name]}")
        out.append("")
        out.append("| command | wall s | peak MB | time / dectree cold |")
        out.append("|---|---:|---:|---:|")
        labels = {
            "cold": "`dectree validate --no-cache` (positions, schema, graph checks)",
            "cold_cache": "`dectree validate`, empty cache (cold, writes the cache)",
            "warm": "`dectree validate`, warm cache (no file changed)",
            "changed": "`dectree validate`, one file changed since the cached run",
            "naive": "naive script: `yaml.load(..., Loader=yaml.CSafeLoader)` per file",
            "cjs": "`check-jsonschema --schemafile` (schema only)",
        }
        for key, label in labels.items():
            if key not in row:
                continue
            r = row[key]
            wall, peak = fmt(r)
            ratio = f"{r.wall / cold.wall:.2f}x" if r is not None else ""
            if key == "cjs" and r is None:
                wall = "not installed" if cjs is None else "skipped"
            out.append(f"| {label} | {wall} | {peak} | {ratio} |")
        out.append("")
        peers = [r for r in (row["naive"], row["cjs"]) if r is not None]
        faster = all(cold.wall < r.wall for r in peers) if peers else None
        goals.append(
            f"- {name}: dectree cold faster than every peer run: "
            f"{'yes' if faster else 'no' if faster is not None else 'peers not run'}"
            + "".join(f"; {r.wall / cold.wall:.1f}x faster than {r.label}" for r in peers)
        )
        warm = row["warm"]
        assert warm is not None
        goals.append(f"- {name}: warm run {100 * warm.wall / cold.wall:.1f}% of cold (goal < 10%)")
        if name == "one":
            goals.append(
                f"- one: cold {cold.wall:.2f} s (goal < 5 s), peak {cold.peak_mb:.0f} MB (goal < 500 MB)"
            )
        changed = row.get("changed")
        if changed is not None:
            goals.append(
                f"- {name}: one file changed since the cached run "
                f"{100 * changed.wall / cold.wall:.0f}% of cold (goal < 20%)"
            )
        if name == "set" and incremental is not None:
            if "error" in incremental:
                goals.append(f"- set: bench_incremental.py failed: {incremental['error']}")
            else:
                changed_row, cold_row = incremental["changed"], incremental["cold"]
                assert isinstance(changed_row, dict) and isinstance(cold_row, dict)
                goals.append(
                    f"- set: one file edited, interleaved with cold runs ({incremental['rounds']} "
                    f"rounds, medians): {changed_row['wall_s']:.2f} s against "
                    f"{cold_row['wall_s']:.2f} s cold, "
                    f"{100 * float(incremental['ratio_wall']):.0f}% of the wall time, "  # type: ignore[arg-type]
                    f"{100 * float(incremental['ratio_cpu']):.0f}% of the CPU time (goal < 20%)"  # type: ignore[arg-type]
                )
    floor = startup["floor"]
    out.append(f"### Start-up: `dectree validate` on the {len(shipped)} shipped trees")
    out.append("")
    out.append("| command | wall ms | peak MB | ratio to floor |")
    out.append("|---|---:|---:|---:|")
    for key, label in (
        ("floor", '`python -c "import yaml"` (floor)'),
        ("cold", "`dectree validate --no-cache`"),
        ("warm", "`dectree validate`, warm cache"),
    ):
        r = startup[key]
        out.append(
            f"| {label} | {1000 * r.wall:.0f} | {r.peak_mb:.0f} | {r.wall / floor.wall:.1f}x |"
        )
    out.append("")
    out.append("### Hostile and huge inputs: `dectree validate --no-cache FILE` (default limits)")
    out.append("")
    out.append("| input | wall s | peak MB | exit | loading it, in process |")
    out.append("|---|---:|---:|---:|---:|")
    for name, r in hostile.items():
        out.append(
            f"| {name} | {r.wall:.2f} | {r.peak_mb:.0f} | {sorted(set(r.codes))} | {r.note} |"
        )
    out.append("")
    slowest = max(hostile.values(), key=lambda r: r.wall)
    biggest = max(hostile.values(), key=lambda r: r.peak_mb)
    goals.append(
        f"- hostile inputs: slowest {slowest.label} {slowest.wall:.2f} s (goal < 1 s), "
        f"largest {biggest.label} {biggest.peak_mb:.0f} MB (goal < 200 MB)"
    )
    out.append(
        f"### Search over {search['nodes']:,} nodes (index built once in {search['index_build_s']:.2f} s)"
    )
    out.append("")
    out.append("| query | ms |")
    out.append("|---|---:|")
    query_ms = search["query_ms"]
    assert isinstance(query_ms, dict)
    for query, ms in query_ms.items():
        out.append(f"| `{query}` | {ms:.2f} |")
    out.append("")
    goals.append(
        f"- search: median {search['median_ms']:.2f} ms, worst {search['max_ms']:.2f} ms per query (goal < 50 ms)"
    )
    if stats is not None:
        if "error" in stats:
            goals.append(f"- stats: failed: {stats['error']}")
        else:
            goals.append(
                f"- stats over {stats['journals']:,} journals: {stats['wall_s']:.2f} s, "
                f"peak {stats['peak_mb']:.0f} MB (goal < 3 s)"
            )
    out.append("### Goals")
    out.append("")
    out.extend(goals)
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
