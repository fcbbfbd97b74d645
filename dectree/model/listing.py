"""What the home screen lists about each tree, kept beside the tree cache so it shows at once.

Listing the trees from the loaded catalog means importing pydantic and the
models and unpickling every tree, about a fifth of a second before the first
line of the list. A `TreeSummary` (id, title, purpose, step count, next review
date) is all the list shows, so the summaries of the trees loaded last are
kept in a small JSON file in the tree cache's directory (one per version of the
code, the last few kept), keyed on the sha256
of each file's bytes (the tree cache's key) and a fingerprint of the code that
read them: the dectree and Python versions and the size and mtime of every
module of `dectree.model` and `dectree.source`. The file is signed with the
tree cache's key. `quick_listing` gives the summaries of the files that would
be loaded, or None as soon as one file is unknown, changed, unreadable or a
duplicate id (the catalog's load says what is wrong with it): then the list
waits for the catalog, as it did before. Neither pydantic nor the models are
imported here.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dectree import __version__
from dectree.model.discovery import discover
from dectree.model.treecache import TreeCache, default_directory
from dectree.source.files import library_stamps, module_stamps, private_directory, read_regular

if TYPE_CHECKING:
    from dectree.model.tree import Tree

INDEX_LIMIT = 4096  # summaries kept per file; the oldest go first
INDEX_FILES = 4  # listing files kept (one per version of the code); the oldest go first
_MAGIC = "dectree-listing-1"
_DIGEST = 32
INDEX_BYTES = 64 << 20  # a larger listing file is not read (unknown)
_INDEX = re.compile(r"^listing-[0-9a-f]{16}\.json$")


@dataclass(frozen=True)
class TreeSummary:
    """What the home screen shows about one tree."""

    id: str
    title: str
    purpose: str
    steps: int
    next_review: dt.date


def summarize(tree: Tree) -> TreeSummary:
    """The summary of a loaded tree."""
    return TreeSummary(
        id=tree.id,
        title=tree.title,
        purpose=tree.purpose,
        steps=len(tree.nodes),
        next_review=tree.review.next_review,
    )


@functools.cache
def listing_fingerprint() -> str:
    """Versions, and size and mtime of the modules that read a tree (no pydantic import)."""
    here = Path(__file__).resolve().parent
    parts = [_MAGIC, __version__, sys.version, *library_stamps("pydantic", "pydantic_core", "yaml")]
    parts += module_stamps(here, here.parent / "source")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def index_name() -> str:
    """The listing file of this code's version, in the cache directory."""
    return f"listing-{listing_fingerprint()[:16]}.json"


def _as_json(summary: TreeSummary) -> list[object]:
    return [summary.id, summary.title, summary.purpose, summary.steps, summary.next_review.isoformat()]


def _from_json(row: object) -> TreeSummary | None:
    if not (isinstance(row, list) and len(row) == 5):
        return None
    tree_id, title, purpose, steps, review = row
    if not (
        isinstance(tree_id, str) and isinstance(title, str) and isinstance(purpose, str)
        and isinstance(steps, int) and isinstance(review, str)
    ):
        return None
    try:
        return TreeSummary(tree_id, title, purpose, steps, dt.date.fromisoformat(review))
    except ValueError:
        return None


class ListingIndex:
    """The summaries file of one cache directory; every failure is a miss, never an error."""

    def __init__(self, cache: TreeCache) -> None:
        self.cache = cache
        # One file per version of the reading code: two versions sharing a cache
        # directory (an upgrade, two checkouts) do not overwrite each other's.
        self.path = cache.directory / index_name()

    @classmethod
    def default(cls) -> ListingIndex | None:
        directory = default_directory()
        return cls(TreeCache(directory)) if directory is not None else None

    def read(self) -> dict[str, list[object]]:
        """digest -> summary row, as stored for this code; empty when there is none."""
        key = self.cache.signing_key(create=False)
        if key is None:
            return {}
        # As the tree cache: only in a real directory the user owns, only a regular file.
        if private_directory(self.cache.directory) is None:
            return {}
        try:
            blob = read_regular(self.path, INDEX_BYTES, follow=False)
        except OSError:
            return {}
        body = blob[_DIGEST:]
        if not hmac.compare_digest(blob[:_DIGEST], hmac.new(key, body, "sha256").digest()):
            return {}
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("code") != listing_fingerprint():
            return {}
        rows = data.get("trees")
        return rows if isinstance(rows, dict) else {}

    def update(self, loaded: Iterable[tuple[str, Tree]]) -> None:
        """Add the summaries of `loaded` (file digest, its tree) not stored yet (one atomic
        write, if any)."""
        rows = self.read()
        added = False
        for digest, tree in loaded:
            if digest not in rows:
                rows[digest] = _as_json(summarize(tree))
                added = True
            else:
                rows[digest] = rows.pop(digest)  # recently used: last, kept longest when written
        if not added:
            return
        while len(rows) > INDEX_LIMIT:
            del rows[next(iter(rows))]
        key = self.cache.signing_key(create=True)
        if key is None:
            return
        body = json.dumps(
            {"code": listing_fingerprint(), "trees": rows}, ensure_ascii=False, separators=(",", ":")
        ).encode()
        if private_directory(self.cache.directory, create=True) is None:
            return
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(hmac.new(key, body, "sha256").digest())
                    handle.write(body)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return
        self._prune()

    def _prune(self) -> None:
        """Past `INDEX_FILES` listing files (other versions'), remove the oldest: only
        regular files named as listing files are."""
        found = []
        try:
            for path in self.path.parent.iterdir():
                if _INDEX.match(path.name):
                    info = os.lstat(path)
                    if stat.S_ISREG(info.st_mode):
                        found.append((info.st_mtime_ns, path))
        except OSError:
            return
        found.sort()
        for _, path in found[: max(0, len(found) - INDEX_FILES)]:
            if path != self.path:
                try:
                    path.unlink()
                except OSError:
                    continue


def quick_listing(paths: Sequence[str] = (), *, max_bytes: int) -> list[TreeSummary] | None:
    """The summaries of the trees `load_catalog(paths)` would load, in its order, if every
    file is known by its current bytes and the ids are distinct; None otherwise."""
    index = ListingIndex.default()
    if index is None:
        return None
    rows = index.read()
    if not rows:
        return None
    out: list[TreeSummary] = []
    seen: set[str] = set()
    for path in discover(paths):
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                return None
            with open(path, "rb") as handle:
                raw = handle.read(max_bytes + 1)
        except OSError:
            return None
        if len(raw) > max_bytes:
            return None
        summary = _from_json(rows.get(hashlib.sha256(raw).hexdigest()))
        if summary is None or summary.id in seen:
            return None
        seen.add(summary.id)
        out.append(summary)
    return out
