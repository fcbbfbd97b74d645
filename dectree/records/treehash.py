"""Content hashes of trees for journal headers, kept beside the tree cache per file content.

A journal's header holds `journal_format.tree_hash` of the tree walked: its
canonical JSON, hashed. That costs about 0.13 s on a 10,000-node tree and
is paid when a walk starts, before its first node is on screen. The hash
depends only on the tree, which depends only on its file's bytes and the code
that read it, so it is kept in the tree cache under the file's digest (the
entry's name covers the reading code and pydantic's version), as part
`treehash` with a salt naming the hashing code itself (size and mtime of
`journal_format`): another version's hashes are never read. Trees that did
not come from a file of the catalog (a test's trees, a resumed journal's)
are hashed as before.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from dectree.records import journal_format
from dectree.records.journal_format import tree_hash

if TYPE_CHECKING:
    from dectree.model.catalog import Catalog
    from dectree.model.tree import Tree
    from dectree.model.treecache import TreeCache


@functools.cache
def part_name() -> str:
    """The salt of tree hashes in the cache: the code that computes them."""
    source = Path(journal_format.__file__)
    try:
        info = source.stat()
        stamp = f"{info.st_size}:{info.st_mtime_ns}"
    except OSError:  # pragma: no cover - the module was imported from it
        stamp = "unknown"
    return "hash-" + hashlib.sha256(stamp.encode()).hexdigest()[:16]


class TreeHashes:
    """`tree_hash` of each tree, computed once per process and once per file content."""

    def __init__(self, catalog: Catalog | None = None, cache: TreeCache | None = None) -> None:
        self.catalog = catalog
        self.cache = cache
        self._known: dict[int, tuple[Tree, str]] = {}  # the tree is kept: its id stays its own

    def __call__(self, tree: Tree) -> str:
        known = self._known.get(id(tree))
        if known is not None:
            return known[1]
        digest = self._digest(tree)
        value = None
        if digest is not None and self.cache is not None:
            stored = self.cache.get(digest, "treehash", part_name())
            if isinstance(stored, str) and stored.startswith("sha256:"):
                value = stored
        if value is None:
            value = tree_hash(tree)
            if digest is not None and self.cache is not None:
                self.cache.put_value(digest, "treehash", value, part_name())
        self._known[id(tree)] = (tree, value)
        return value

    def _digest(self, tree: Tree) -> str | None:
        """The digest of the file `tree` was loaded from, if it is that file's tree."""
        if self.catalog is None:
            return None
        loaded = self.catalog.trees.get(tree.id)
        return loaded.digest if loaded is not None and loaded.tree is tree else None
