"""How often search sends an engineer to the right place, on a labelled set.

`python bench/search_quality.py [TREES...] [--format text|json] [--misses]`

The labelled set: every pasted line of the per-tree search tests
(`tests/unit/test_search_*.py`, `CASES`) and the one-sentence descriptions in
`bench/search_set/prose.txt` (and `prose_after_tuning.txt`, written after the
ranking was tuned, also reported on its own as a held-out check), each with
the nodes an acceptable entry may be.

A node is *acceptable* for a case when it is labelled, or is a question whose
answer leads straight (through actions) to a labelled node: the question that
decides it. An entry (where Enter would start the walk) is *wrong* when no
acceptable node can be reached from it by answering questions in its own tree:
starting there cannot get the engineer to the right step. Reported per kind
(line / prose): top-1 and top-3 (an acceptable node among the first hits), the
entry in the right tree, the entry acceptable, the entry at the deciding step
(an acceptable node itself, not just a step that can lead to one), and
"confident wrong" (an entry is proposed and it is wrong). When the engine has no `entry` function (the
search before confirmed entry), Enter started at the top hit, so that is the entry.

The floors in `FLOORS` are asserted by `tests/unit/test_search_quality.py`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROSE = HERE / "search_set" / "prose.txt"
# Written after the ranking was tuned on PROSE, before seeing how search handles them.
PROSE_LATE = HERE / "search_set" / "prose_after_tuning.txt"
# This checkout's dectree, and the tests' `tests.unit.search_support`.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
TREES = ["authentication", "connectivity", "database", "mcp", "performance"]

# The goals of issue 11, as fractions: (metric, kind) -> (floor or ceiling, "min"|"max").
FLOORS: dict[tuple[str, str], tuple[float, str]] = {
    ("confident_wrong", "line"): (0.0, "max"),
    ("confident_wrong", "prose"): (0.03, "max"),
    ("right_tree", "line"): (0.95, "min"),
    ("right_tree", "prose"): (0.90, "min"),
    ("top3", "prose"): (0.85, "min"),
}


@dataclass(frozen=True)
class Case:
    """One labelled query."""

    kind: str  # "line" | "prose"
    query: str
    accept: tuple[str, ...]  # tree:node refs
    late: bool = False  # a description written after the tuning


def line_cases() -> list[Case]:
    """The pasted lines of the per-tree search tests."""
    cases = []
    for name in TREES:
        path = ROOT / "tests" / "unit" / f"test_search_{name}.py"
        spec = importlib.util.spec_from_file_location(f"_quality_{name}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for line, expected in module.CASES:
            ref = expected if ":" in expected else f"{name}:{expected}"
            cases.append(Case("line", line, (ref, *_shared_alternatives(line, ref))))
    return cases


def _shared_alternatives(line: str, ref: str) -> tuple[str, ...]:
    """The other nodes that a literal error listed by two trees may enter at.

    `tests/unit/test_search_collisions.py` names each such literal and why both
    trees are right for it ("nf_conntrack: table full" from a network walk or a
    USE walk); a line holding one is acceptable in either tree."""
    from dectree.engine.search import normalise

    path = ROOT / "tests" / "unit" / "test_search_collisions.py"
    spec = importlib.util.spec_from_file_location("_quality_collisions", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    norm = normalise(line)
    out: list[str] = []
    for literal, refs in module.SHARED.items():
        if literal in norm:
            out += [r.strip() for r in refs.split(",") if r.strip() != ref]
    return tuple(out)


def prose_cases(path: Path = PROSE) -> list[Case]:
    """The one-sentence descriptions: `sentence || tree:node tree:node ...`."""
    cases = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        query, sep, refs = raw.partition("||")
        if not sep or not refs.split():
            raise ValueError(f"{path}:{number}: expected 'sentence || tree:node ...'")
        cases.append(Case("prose", query.strip(), tuple(refs.split()), path == PROSE_LATE))
    return cases


def incident_cases(paths: list[str]) -> list[Case]:
    """Each scenario's incident as its tree's author wrote it, labelled with where the walk ends.

    Not part of the labelled set (the floors do not apply): a check on words
    written by someone else, for a case that always has a precise answer.
    """
    from dectree.model.catalog import load_catalog
    from dectree.model.tree import split_ref

    cases = []
    for tree_id, loaded in sorted(load_catalog(paths).trees.items()):
        for scenario in loaded.tree.scenarios:
            owner, node = split_ref(scenario.expect, tree_id)
            cases.append(Case("scenario incident", scenario.incident, (f"{owner}:{node}",)))
    return cases


def all_cases() -> list[Case]:
    """The whole labelled set."""
    return line_cases() + prose_cases() + prose_cases(PROSE_LATE)


def _follow(tree: object, ref: str) -> tuple[str, str]:
    from dectree.model.tree import split_ref

    return split_ref(ref, tree.id)  # type: ignore[attr-defined]


def acceptable(trees: Mapping[str, object], accept: tuple[str, ...]) -> set[str]:
    """Labelled refs plus the questions whose answer leads (through actions) to one."""
    from dectree.model.tree import Action, Question

    good = set(accept)
    for tree_id, tree in trees.items():
        for node_id, node in tree.nodes.items():  # type: ignore[attr-defined]
            if not isinstance(node, Question):
                continue
            for choice in node.choices:
                target = _follow(tree, choice.next)
                seen = set()
                while target not in seen:
                    seen.add(target)
                    if f"{target[0]}:{target[1]}" in accept:
                        good.add(f"{tree_id}:{node_id}")
                        break
                    nxt = trees.get(target[0])
                    step = nxt.nodes.get(target[1]) if nxt is not None else None  # type: ignore[attr-defined]
                    if not isinstance(step, Action):
                        break
                    target = _follow(nxt, step.next)
    return good


def reaches(trees: Mapping[str, object], ref: str, good: set[str]) -> bool:
    """Whether answering questions from `ref`, inside its tree, can reach a good node."""
    from dectree.model.tree import Action, Question

    tree_id, _, node_id = ref.partition(":")
    tree = trees[tree_id]
    todo, seen = [node_id], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if f"{tree_id}:{current}" in good:
            return True
        node = tree.nodes.get(current)  # type: ignore[attr-defined]
        nexts = (
            [c.next for c in node.choices]
            if isinstance(node, Question)
            else [node.next] if isinstance(node, Action) else []
        )
        for ref_next in nexts:
            owner, target = _follow(tree, ref_next)
            if owner == tree_id:
                todo.append(target)
    return False


@dataclass
class Tally:
    """Counts for one kind of query."""

    n: int = 0
    top1: int = 0
    top3: int = 0
    entry_none: int = 0
    right_tree: int = 0
    acceptable: int = 0
    precise: int = 0
    confident_wrong: int = 0
    misses: list[str] = field(default_factory=list)

    def rates(self) -> dict[str, float]:
        n = max(self.n, 1)
        return {
            "n": self.n,
            "top1": self.top1 / n,
            "top3": self.top3 / n,
            "right_tree": self.right_tree / n,
            "entry_acceptable": self.acceptable / n,
            "entry_precise": self.precise / n,
            "entry_none": self.entry_none / n,
            "confident_wrong": self.confident_wrong / n,
        }


def evaluate(trees: Mapping[str, object], cases: list[Case]) -> dict[str, Tally]:
    """Run every case through the search and the entry rule."""
    from dectree.engine import search as engine_search

    index = engine_search.SearchIndex(trees)  # type: ignore[arg-type]
    entry_of = getattr(engine_search, "entry", None)
    tallies: dict[str, Tally] = {}
    for case in cases:
        kinds = [case.kind] + (["prose, written after tuning"] if case.late else [])
        for kind in kinds:
            _score(tallies.setdefault(kind, Tally()), case, trees, index, entry_of)
    return tallies


def _score(
    tally: Tally, case: Case, trees: Mapping[str, object], index: Any, entry_of: Any
) -> None:
    """Count one case into `tally`."""
    tally.n += 1
    good = acceptable(trees, case.accept)
    good_trees = {ref.partition(":")[0] for ref in case.accept}
    hits = index.search(case.query, limit=20)
    refs = [hit.ref for hit in hits]
    tally.top1 += bool(refs[:1]) and refs[0] in good
    tally.top3 += any(ref in good for ref in refs[:3])
    if entry_of is not None:
        found = entry_of(trees, hits)
        start = None if found is None else f"{found.tree_id}:{found.node_id}"
    else:
        start = refs[0] if refs else None
    if start is None:
        tally.entry_none += 1
        tally.misses.append(f"{case.kind} NO ENTRY {case.query!r} top={refs[:3]}")
        return
    right = start.partition(":")[0] in good_trees
    tally.right_tree += right
    ok = right and reaches(trees, start, good)
    tally.acceptable += ok
    tally.precise += start in good
    if not ok:
        tally.confident_wrong += 1
        tally.misses.append(
            f"{case.kind} WRONG {case.query!r} -> {start} (accept {' '.join(case.accept)})"
        )


def load_trees(paths: list[str]) -> dict[str, object]:
    from dectree.model.catalog import load_catalog

    catalog = load_catalog(paths)
    return {tree_id: loaded.tree for tree_id, loaded in catalog.trees.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "trees")])
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--misses", action="store_true", help="list every wrong or empty entry")
    args = parser.parse_args()
    trees = load_trees(args.paths)
    tallies = evaluate(trees, all_cases() + incident_cases(args.paths))
    report = {kind: tallies[kind].rates() for kind in sorted(tallies)}
    if args.format == "json":
        print(json.dumps(report, indent=2))
    else:
        print(
            "| kind | n | top-1 | top-3 | right tree | entry acceptable | entry at the deciding step "
            "| no entry | confident wrong |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for kind, r in report.items():
            print(
                f"| {kind} | {r['n']} | {r['top1']:.1%} | {r['top3']:.1%} | {r['right_tree']:.1%} "
                f"| {r['entry_acceptable']:.1%} | {r['entry_precise']:.1%} | {r['entry_none']:.1%} "
                f"| {r['confident_wrong']:.1%} |"
            )
    if args.misses:
        for kind in ("line", "prose"):
            for miss in tallies[kind].misses if kind in tallies else []:
                print(miss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
