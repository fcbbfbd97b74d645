"""`dectree list`: the trees found, with their size and review state."""

from __future__ import annotations

import argparse
import datetime as dt

from dectree.commands.common import add_paths, date_arg, load_or_usage_error
from dectree.commands.output import echo, write_json
from dectree.model.tree import Action, Conclusion, Escalation, Question
from dectree.text.plain import clean


def configure(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--today", type=date_arg, metavar="YYYY-MM-DD", help="date for review checks"
    )


def run(args: argparse.Namespace) -> int:
    catalog = load_or_usage_error(args)
    if catalog is None:
        return 2
    from dectree.check.links import broken_links

    today = args.today or dt.date.today()
    broken: dict[str, int] = {}
    for edge in broken_links(catalog, catalog.trees):
        source = edge.source.split(":", 1)[0]
        broken[source] = broken.get(source, 0) + 1
    rows = []
    for tree_id in sorted(catalog.trees):
        loaded = catalog.trees[tree_id]
        tree = loaded.tree
        kinds = [type(n) for n in tree.nodes.values()]
        rows.append(
            {
                "id": tree_id,
                "title": tree.title,
                "version": tree.version,
                "path": loaded.path,
                "questions": kinds.count(Question),
                "actions": kinds.count(Action),
                "conclusions": kinds.count(Conclusion),
                "escalations": kinds.count(Escalation),
                "last_reviewed": tree.review.last_updated.isoformat(),
                "next_review": tree.review.next_review.isoformat(),
                "review_overdue": tree.review.next_review < today,
                "broken_links": broken.get(tree_id, 0),
            }
        )
    if args.format == "json":
        write_json({"trees": rows, "problems": len(catalog.problems)})
    else:
        header = f"{'ID':<16} {'Q':>3} {'A':>3} {'C':>3} {'E':>3}  {'REVIEWED':<10}  TITLE"
        echo(header)
        for r in rows:
            overdue = "  (review overdue)" if r["review_overdue"] else ""
            if r["broken_links"]:
                overdue += f"  ({r['broken_links']} broken link(s): dectree validate)"
            echo(
                f"{clean(str(r['id'])):<16} {r['questions']:>3} {r['actions']:>3} {r['conclusions']:>3} "
                f"{r['escalations']:>3}  {r['last_reviewed']:<10}  {clean(str(r['title']))}{overdue}"
            )
        for p in catalog.problems:
            echo(str(p), err=True)
        if catalog.problems:
            echo(
                f"{len(catalog.problems)} file problem(s); run 'dectree validate' for details",
                err=True,
            )
    return 1 if catalog.problems or broken else 0
