#!/usr/bin/env python3
"""Mutation testing of one core module with mutmut, against the tests that guard it.

    python scripts/mutation.py graph [--max-minutes 40]
    python scripts/mutation.py --list

mutmut mutates every function of the module (a changed operator, constant,
condition, removed call...) and runs the module's tests against each mutant; a
mutant no test fails on "survived": a change the suite would let through. Each
run works in a scratch copy of the repository (the worktree is never touched),
one module at a time with only the test files that exercise it, because the
whole suite against every mutant would take days on two cores. The score and
the surviving mutants (with `mutmut show` diffs) are written to
`<scratch>/report.txt`; docs/testing.md records the figures and why each
remaining survivor is left.

Needs the dev extra (`pip install -e '.[dev,test]'`: mutmut).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# module -> (source file, the test files that exercise it)
MODULES: dict[str, tuple[str, list[str]]] = {
    "loader": (
        "dectree/model/catalog.py",
        ["tests/unit/test_loader.py", "tests/unit/test_codes.py", "tests/unit/test_malformed.py",
         "tests/unit/test_hostile_text.py", "tests/unit/test_validation_gaps.py",
         "tests/unit/test_schema_messages.py"],
    ),
    "graph": (
        "dectree/check/graph.py",
        ["tests/unit/test_graph.py", "tests/unit/test_codes.py"],
    ),
    "links": (
        "dectree/check/links.py",
        ["tests/unit/test_graph.py", "tests/unit/test_validation_gaps.py",
         "tests/unit/test_codes.py"],
    ),
    # The per-file checks and facts (`local`) and the checks across trees over those
    # facts (`crosstree`), through both callers: `validate_catalog` (whole trees) and
    # the CLI's `validate`, which keeps each file's facts (`check/incremental.py`).
    "local": (
        "dectree/check/local.py",
        ["tests/unit/test_codes.py", "tests/unit/test_tree_rules.py", "tests/unit/test_graph.py",
         "tests/unit/test_crosstree.py", "tests/unit/test_validation_gaps.py",
         "tests/unit/test_malformed.py", "tests/unit/test_scenarios.py"],
    ),
    "crosstree": (
        "dectree/check/crosstree.py",
        ["tests/unit/test_crosstree.py", "tests/unit/test_graph.py", "tests/unit/test_codes.py",
         "tests/unit/test_validation_gaps.py", "tests/unit/test_malformed.py",
         "tests/unit/test_tree_cache.py"],
    ),
    # What is left of `validate`: building the entries from a loaded catalog, the
    # run's date, and leaving out context trees' problems.
    "validate": (
        "dectree/check/validate.py",
        ["tests/unit/test_codes.py", "tests/unit/test_tree_rules.py", "tests/unit/test_crosstree.py",
         "tests/unit/test_graph.py"],
    ),
    "journal": (
        "dectree/records/writer.py",
        ["tests/unit/test_journal.py", "tests/unit/test_resume.py",
         "tests/unit/test_hostile_journals.py", "tests/unit/test_export.py"],
    ),
    "fill": ("dectree/engine/fill.py", ["tests/unit/test_fill.py"]),
    "search": (
        "dectree/engine/search.py",
        ["tests/unit/test_search.py", "tests/unit/test_search_ranking.py"],
    ),
}


# (tests/unit/test_cli.py is left out: mutmut's copy of the package has no bundled trees,
# which its discovery test relies on.)


def scratch_copy(target: Path) -> None:
    """The repository's tracked and new files (not node_modules, caches or .git) in `target`."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_symlink() or source.is_file():
            dest = target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if source.is_symlink():
                os.symlink(os.readlink(source), dest)
            else:
                shutil.copy2(source, dest)


# Extra pytest arguments per module: the 100,000-node search test takes seconds per
# mutant and checks results the smaller tests check too.
PYTEST_ARGS: dict[str, list[str]] = {"search": ["-k", "not 100k"]}


def configure(target: Path, source: str, tests: list[str], extra: list[str]) -> None:
    """Append a [tool.mutmut] table for this module to the scratch pyproject.toml."""
    tests = [t for t in tests if (target / t).exists()]
    quoted = ", ".join(f'"{t}"' for t in [*tests, *extra])
    with (target / "pyproject.toml").open("a") as out:
        out.write(
            "\n[tool.mutmut]\n"
            'source_paths = ["dectree"]\n'
            f'only_mutate = ["{source}"]\n'
            f"pytest_add_cli_args_test_selection = [{quoted}]\n"
            'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q"]\n'
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", nargs="?", choices=sorted(MODULES))
    parser.add_argument("--list", action="store_true", help="the modules and their tests")
    parser.add_argument("--max-minutes", type=float, default=40.0)
    parser.add_argument("--workdir", help="scratch directory (default: a new temporary one)")
    args = parser.parse_args()
    if args.list or not args.module:
        for name, (source, tests) in MODULES.items():
            print(f"{name:<9} {source}  <- {' '.join(tests)}")
        return 0
    source, tests = MODULES[args.module]
    work = Path(args.workdir or tempfile.mkdtemp(prefix=f"dectree-mutation-{args.module}-"))
    work.mkdir(parents=True, exist_ok=True)
    scratch_copy(work)
    configure(work, source, tests, PYTEST_ARGS.get(args.module, []))
    mutmut = [sys.executable, "-m", "mutmut"]
    started = time.monotonic()
    try:
        with (work / "run.log").open("w") as log:  # mutmut's progress spinner, kept out of sight
            subprocess.run(
                [*mutmut, "run"], cwd=work, timeout=args.max_minutes * 60, stdout=log, stderr=log
            )
        finished = True
    except subprocess.TimeoutExpired:
        finished = False
    minutes = (time.monotonic() - started) / 60
    results = subprocess.run(
        [*mutmut, "results", "--all", "true"], cwd=work, capture_output=True, text=True
    ).stdout
    counts: dict[str, int] = {}
    survivors = []
    for line in results.splitlines():
        match = re.match(r"\s*(\S+): (\w[\w ]*)$", line)
        if match:
            counts[match[2]] = counts.get(match[2], 0) + 1
            if match[2] == "survived":
                survivors.append(match[1])
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    tested = killed + counts.get("survived", 0)
    score = 100 * killed / tested if tested else 0.0
    lines = [
        f"module {args.module} ({source}); tests: {' '.join(tests)}",
        f"{'finished' if finished else 'stopped at the time limit'} after {minutes:.1f} min",
        f"counts: {counts}",
        f"score: {killed}/{tested} killed = {score:.1f}%",
        "",
    ]
    for name in survivors:
        shown = subprocess.run([*mutmut, "show", name], cwd=work, capture_output=True, text=True)
        lines += [f"--- survivor {name}", shown.stdout.strip(), ""]
    report = "\n".join(lines) + "\n"
    (work / "report.txt").write_text(report)
    print(report)
    print(f"report: {work / 'report.txt'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
