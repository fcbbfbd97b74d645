"""Search latency over a large catalog, after start-up (the index is built once).

`python bench/search_bench.py FILE_OR_DIR... [--max-bytes N]` loads the trees,
builds `dectree.engine.search.SearchIndex` once, then times a fixed list of queries
(pasted log lines, a few words, typos, words in no tree). Prints one JSON
object: node count, index build seconds, and per-query milliseconds.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time

from dectree.engine.search import SearchIndex
from dectree.model.catalog import load_catalog

QUERIES = [
    "dial tcp 10.4.7.19:5432: connect: connection refused",
    "FATAL: remaining connection slots are reserved for non-replication superuser connections",
    "x509: certificate has expired or is not yet valid",
    "OOMKilled",
    "no space left on device",
    "connection pool",
    "readiness probe failed 503",
    "too many open files",
    "replication lag",
    "certifcate expird",  # typos
    "dns resoltion",
    "kafka brokers",
    "quantum flux capacitor",  # in no tree
    "the",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--max-bytes", type=int, default=1 << 30)
    parser.add_argument("--rounds", type=int, default=5, help="times each query is run")
    args = parser.parse_args()
    gc.disable()
    catalog = load_catalog(args.paths, max_bytes=args.max_bytes)
    trees = {tree_id: loaded.tree for tree_id, loaded in catalog.trees.items()}
    nodes = sum(len(t.nodes) for t in trees.values())
    started = time.perf_counter()
    index = SearchIndex(trees)
    build = time.perf_counter() - started
    gc.enable()
    gc.freeze()  # what a long-running app does after loading: the index is not rescanned
    times: dict[str, float] = {}
    for query in QUERIES:
        runs = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            index.search(query)
            runs.append((time.perf_counter() - started) * 1000)
        times[query] = statistics.median(runs)
    print(
        json.dumps(
            {
                "nodes": nodes,
                "index_build_s": build,
                "query_ms": times,
                "median_ms": statistics.median(times.values()),
                "max_ms": max(times.values()),
            }
        )
    )


if __name__ == "__main__":
    main()
