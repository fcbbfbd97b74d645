"""`dectree search [PATH...] QUERY`: where a pasted error or a description leads, from the shell.

The same search and the same entry rule as the app's home screen
(`dectree.engine.search`): the hits worth looking at, grouped by tree, each
with its strength, and where Enter would start the walk (never a conclusion:
the question that decides it). `QUERY` `-` reads the query from standard input
(a pasted multi-line error). JSON for other tools:

    {"query", "entry": {"tree", "node", "kind", "strength", "why", ...} | null,
     "hits": [{"tree", "node", "kind", "title", "strength", "field", "text"}]}

Exit codes: 0 hits found, 1 nothing found, 2 bad usage or unreadable trees.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dectree.commands.common import add_paths, load_or_usage_error
from dectree.commands.output import echo, write_json

MAX_QUERY = 20_000


def configure(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    parser.add_argument(
        "query", metavar="QUERY", help="an error message or a description; '-' reads stdin"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--limit",
        type=int,
        default=12,
        metavar="N",
        help="show at most N hits (default 12: the ones worth looking at)",
    )


def run(args: argparse.Namespace) -> int:
    from dectree.text.escape import one_line

    query = sys.stdin.read(MAX_QUERY + 1) if args.query == "-" else args.query
    if len(query) > MAX_QUERY:
        echo(f"dectree: error: the query is longer than {MAX_QUERY} characters", err=True)
        return 2
    if not query.strip():
        echo("dectree: error: the query is empty: give an error message or a description", err=True)
        return 2
    if args.limit < 1:
        echo(f"dectree: error: --limit must be at least 1, not {args.limit}", err=True)
        return 2
    catalog = load_or_usage_error(args, with_siblings=True)
    if catalog is None:
        return 2
    from dectree.engine.search import SearchIndex, entry, group_by_tree, worth_showing
    from dectree.engine.session import tree_map

    trees = tree_map(catalog)
    for problem in catalog.problems:
        echo(str(problem), err=True)
    if not trees:
        echo("dectree: error: no trees found to search", err=True)
        return 2
    hits = SearchIndex(trees).search(query, limit=50)
    start = entry(trees, hits)
    shown = worth_showing(hits, args.limit)
    entry_json: dict[str, Any] | None = None
    if start is not None:
        node = trees[start.tree_id].nodes[start.node_id]
        target = trees[start.tree_id].nodes.get(start.target) if start.target else None
        entry_json = {
            "tree": start.tree_id,
            "node": start.node_id,
            "kind": node.kind,
            "strength": start.strength,
            "why": start.why,
            "hit": None if start.hit is None else start.hit.ref,
            "suggested_answer": (
                node.choices[start.choice].label
                if start.choice is not None and node.kind == "question"
                else None
            ),
            "leads_to": None if target is None else f"{start.tree_id}:{start.target}",
        }
    if args.format == "json":
        out = {
            "query": query,
            "entry": entry_json,
            "hits": [
                {
                    "tree": h.tree_id,
                    "node": h.node_id,
                    "kind": h.kind,
                    "title": h.title,
                    "strength": h.strength,
                    "field": h.field,
                    "text": h.text,
                }
                for h in shown
            ],
        }
        write_json(out, ensure_ascii=False)
        return 0 if shown else 1
    if start is None:
        echo("Enter would start: nowhere (no step or tree matches clearly)")
    else:
        title = one_line(trees[start.tree_id].nodes[start.node_id].title or start.node_id)
        echo(f"Enter would start: {start.ref} ({title}), {start.strength}")
        echo(f"  why: {one_line(start.why)}")
        if entry_json and entry_json["suggested_answer"]:
            echo(f"  suggested answer: {one_line(entry_json['suggested_answer'])}")
    if not shown:
        echo("No matching steps: try part of the error message, or fewer words.")
        return 1
    echo()
    for tree_id, group in group_by_tree(shown):
        echo(f"{one_line(trees[tree_id].title)} ({tree_id})")
        for h in group:
            echo(f"  {h.strength:<6}  {h.node_id:<28} {h.kind:<10}  {one_line(h.title)}")
            echo(f"          {h.field}: {one_line(h.text)[:100]}")
    return 0
