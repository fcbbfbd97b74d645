"""Guided checks: the cost of shell-context analysis and of redaction, each against a floor.

    .venv/bin/python bench/bench_checks.py [TREES...]

- Filling: `contexts()` (bashlex parse, one per command shape) over every
  command of the trees, cold and with the shape cache warm, against the floor
  of quoting each placeholder with `shlex.quote` (what a filler that ignores
  nesting costs).
- Redaction: `redact()` over 20,000 lines of ordinary log output and over
  20,000 lines that all look credential-like (each goes to detect-secrets),
  against the floor of one `str.replace` pass over the same text.

Prints medians and ratios measured in the same run. Asserts nothing.
"""

from __future__ import annotations

import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dectree.engine import shellctx  # noqa: E402
from dectree.engine.redact import redact  # noqa: E402
from dectree.model.catalog import load_catalog  # noqa: E402
from dectree.model.tree import PLACEHOLDER_RE, node_commands  # noqa: E402


def median(run: Callable[[], object], repeat: int = 5, before: Callable[[], object] = lambda: None) -> float:
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def clear() -> None:
    shellctx.contexts.cache_clear()
    shellctx._shaped.cache_clear()


def main() -> int:
    paths = sys.argv[1:] or [str(ROOT / "trees")]
    catalog = load_catalog(paths)
    commands = [
        c for t in catalog.trees.values() for n in t.tree.nodes.values() for c in node_commands(n)
    ]
    with_placeholders = [c for c in commands if PLACEHOLDER_RE.search(c)]

    def floor() -> None:
        for c in with_placeholders:
            PLACEHOLDER_RE.sub(lambda m: shlex.quote("value"), c)

    def analyse() -> None:
        for c in with_placeholders:
            shellctx.contexts(c)

    base = median(floor)
    cold = median(analyse, before=clear)
    shapes = len({shellctx._shape(c) for c in with_placeholders})
    clear()
    analyse()
    warm = median(analyse)
    print(f"commands with placeholders: {len(with_placeholders)}, shapes: {shapes}")
    print("| filling | median ms | x floor |\n|---|---:|---:|")
    print(f"| floor: shlex.quote per placeholder | {base * 1000:.1f} | 1.0 |")
    print(f"| contexts, cold (parse per shape) | {cold * 1000:.1f} | {cold / base:.0f} |")
    print(f"| contexts, cached | {warm * 1000:.1f} | {warm / base:.1f} |")

    plain = "\n".join(
        f"2026-12-06 12:00:{i % 60:02} INFO request id={i:06x} took {i % 97}ms path=/api/v1/items"
        for i in range(20_000)
    )
    hinted = "\n".join(
        f"2026-12-06 12:00:{i % 60:02} INFO token: {i:06x} session_key={i:08x} path=/api/v1/items"
        for i in range(20_000)
    )
    for name, text in (("ordinary", plain), ("credential-like", hinted)):
        floor_s = median(lambda t=text: t.replace("secret-value", "{s}"), repeat=3)
        took = median(lambda t=text: redact(t, {"s": "secret-value"}), repeat=3)
        print(
            f"redact 20,000 {name} lines: {took * 1000:.0f} ms "
            f"(floor {floor_s * 1000:.1f} ms, {took / floor_s:.0f}x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
