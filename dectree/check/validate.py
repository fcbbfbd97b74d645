"""Checks over loaded trees: graph structure, content rules and scenarios.

`validate_catalog` returns `Problem` records, sorted; formatting belongs to the
caller. Every check has a stable code from `dectree.source.problems.CODES`.
The checks come in two parts: those that see one file only
(`dectree.check.local`, which also sums up each file in a `TreeFacts`) and
those that look across trees (`dectree.check.crosstree`, over the facts).
`dectree validate` runs the same two parts, keeping each file's facts
(`dectree.check.incremental`).
"""

from __future__ import annotations

import datetime as dt

from dectree.check.crosstree import Entry, cross_check
from dectree.check.local import MAX_CHOICES, WAY_OUT_RE, tree_facts
from dectree.model.catalog import Catalog, LoadedTree
from dectree.source.problems import DEFAULT_MAX_PATH, Problem, sort_problems

__all__ = ["MAX_CHOICES", "WAY_OUT_RE", "validate_catalog"]


def validate_catalog(
    catalog: Catalog, *, today: dt.date | None = None, max_path: int = DEFAULT_MAX_PATH
) -> list[Problem]:
    """Every problem in the catalog: load problems first, then all checks, sorted."""
    today = today or dt.date.today()
    entries = [
        Entry(t.path, t.digest, tree_facts(t, own_problems=not t.context), t.context, t)
        for t in catalog.trees.values()
    ]
    found = list(catalog.problems)
    found.extend(cross_check(entries, today=today, max_path=max_path, whole=_whole))
    context = {t.path for t in catalog.trees.values() if t.context}
    return sort_problems(p for p in found if p.path not in context)


def _whole(entry: Entry) -> LoadedTree | None:
    return entry.loaded
