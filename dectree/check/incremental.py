"""`dectree validate` file by file: each file's facts kept per content, the cross-tree checks rerun.

For every file of a run, its bytes are read and hashed. A file whose bytes
were checked before by the same code comes back as its `TreeFacts`
(`dectree.check.local`: its own problems and the small summary the
cross-tree checks need) without being parsed or unpickled as a tree; any
other file is loaded (through the tree cache) and checked, and its facts are
stored. Then the checks across trees run over the facts of every file
(`dectree.check.crosstree`). One changed file in 500 costs one file's load
and checks, plus a pass over links.

Facts are kept beside the loaded trees (`dectree.model.treecache`: signed
pickles in the user's cache directory, a damaged or foreign entry is a
miss), under the file's sha256 and a fingerprint of every module a
validation runs (`dectree.check.cache.code_fingerprint`), so an entry made
by other code is never read. Files that fail to load are not kept: they are
read again, with their problems, at every run. Without a store the same
steps run with nothing kept, which is what `--no-cache` does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dectree.check.cache import code_fingerprint
from dectree.check.crosstree import Entry, cross_check
from dectree.check.local import TreeFacts, tree_facts
from dectree.model.catalog import LoadedTree, load_file, read_file
from dectree.model.discovery import discover, siblings
from dectree.model.treecache import TreeCache
from dectree.source.problems import Problem, problem, sort_problems
from dectree.source.yamlsource import MAX_BYTES

_PART = "facts"


@dataclass
class Run:
    """What a validation found: the files named, the trees checked, every problem sorted."""

    files: list[str]
    trees: list[str]
    problems: list[Problem]
    digests: dict[str, str]
    """Path -> sha256 of the bytes each loaded tree was checked from."""


class FactsStore:
    """Facts per file content, in a `TreeCache` directory, under the check code's fingerprint."""

    def __init__(self, trees: TreeCache) -> None:
        self.trees = trees
        self.salt = f"facts {code_fingerprint()}"

    def get(self, digest: str) -> TreeFacts | None:
        found = self.trees.get(digest, _PART, self.salt)
        return found if isinstance(found, TreeFacts) else None

    def put(self, digest: str, facts: TreeFacts) -> None:
        self.trees.put_value(digest, _PART, facts, self.salt)


def validate_files(
    paths: Sequence[str],
    *,
    today: dt.date,
    max_path: int,
    max_bytes: int = MAX_BYTES,
    cache: bool = False,
    known: Mapping[str, str] | None = None,
) -> Run:
    """Load and check the trees at `paths` (and their siblings, as context for links).

    Gives the problems `validate_catalog(load_catalog(paths, with_siblings=True))`
    gives; with `cache`, unchanged files come from their stored facts.
    `known` gives the sha256 of files the caller has just hashed (by path).
    """
    trees = TreeCache.default() if cache else None
    store = FactsStore(trees) if trees is not None else None
    chosen = discover(paths)
    context = siblings(paths, chosen)
    context_set = set(context)
    winners: dict[str, Entry] = {}
    found: list[Problem] = []
    files: list[str] = []
    for path in [*chosen, *context]:
        is_context = path in context_set
        entry, problems = _entry(
            path,
            max_bytes,
            trees,
            store,
            own_problems=not is_context,
            known=known.get(str(path)) if known else None,
        )
        if is_context:
            if entry is not None and entry.facts.tree_id not in winners:
                entry.context = True
                winners[entry.facts.tree_id] = entry
            continue
        files.append(str(path))
        found.extend(problems)
        if entry is None:
            continue
        tree_id = entry.facts.tree_id
        if tree_id in winners:
            line, column = entry.facts.id_position
            first = winners[tree_id].path
            found.append(
                problem(
                    entry.path,
                    line,
                    column,
                    "DT104",
                    f"tree id {tree_id!r} is already defined in {first}",
                )
            )
            continue
        winners[tree_id] = entry
    if trees is not None:
        trees.prune()
    entries = list(winners.values())

    def whole(e: Entry) -> LoadedTree | None:
        if e.loaded is None:
            loaded, _ = load_file(Path(e.path), max_bytes=max_bytes, cache=trees)
            if loaded is not None and loaded.digest == e.digest:
                e.loaded = loaded
        return e.loaded

    found.extend(cross_check(entries, today=today, max_path=max_path, whole=whole))
    outside = {e.path for e in entries if e.context}
    return Run(
        files=files,
        trees=sorted(e.facts.tree_id for e in entries if not e.context),
        problems=sort_problems(p for p in found if p.path not in outside),
        digests={e.path: e.digest for e in entries},
    )


def _entry(
    path: Path,
    max_bytes: int,
    trees: TreeCache | None,
    store: FactsStore | None,
    *,
    own_problems: bool,
    known: str | None = None,
) -> tuple[Entry | None, list[Problem]]:
    """One file's facts: stored ones if its bytes were checked before, else freshly made."""
    name = str(path)
    if store is not None and known is not None:
        try:
            info = os.stat(path)
            usable = stat.S_ISREG(info.st_mode) and info.st_size <= max_bytes
        except OSError:
            usable = False
        facts = store.get(known) if usable else None
        if facts is not None:
            return Entry(name, known, facts), []
    if store is not None:
        raw, problems = read_file(path, max_bytes=max_bytes)
        if raw is None:
            return None, problems
        digest = hashlib.sha256(raw).hexdigest()
        del raw
        facts = store.get(digest)
        if facts is not None:
            return Entry(name, digest, facts), []
    loaded, problems = load_file(path, max_bytes=max_bytes, cache=trees)
    if loaded is None:
        return None, problems
    # Stored facts are whole (own problems included) whatever the file's role in this run.
    facts = tree_facts(loaded, own_problems=own_problems or store is not None)
    if store is not None and not loaded.positions_lost:
        # Under the digest of the bytes the facts come from; never facts whose positions
        # fell back because the file changed while it was read (they would come back,
        # all at 1:1, the day the file has those bytes again).
        store.put(loaded.digest, facts)
    return Entry(name, loaded.digest, facts, loaded=loaded), []
