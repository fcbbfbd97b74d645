"""Tree hashes for journal headers, kept per file content (`dectree.records.treehash`)."""

from __future__ import annotations

from pathlib import Path

import pytest

import dectree.records.treehash as treehash
from dectree.model.catalog import load_catalog
from dectree.model.treecache import TreeCache, default_directory
from dectree.records.journal_format import tree_hash
from dectree.records.treehash import TreeHashes
from tests.unit.test_cache import LAST
from tests.unit.test_tree_cache import tree_text


@pytest.fixture
def trees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DECTREE_NO_CACHE", raising=False)
    folder = tmp_path / "trees"
    folder.mkdir()
    (folder / "a.yaml").write_text(tree_text("a", "b:last"))
    (folder / "b.yaml").write_text(tree_text("b", "last", LAST))
    return folder


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    computed: list[str] = []

    def hash_of(tree: object) -> str:
        computed.append(tree.id)  # type: ignore[attr-defined]
        return tree_hash(tree)  # type: ignore[arg-type]

    monkeypatch.setattr(treehash, "tree_hash", hash_of)
    return computed


def test_a_tree_is_hashed_once_per_file_content(
    trees: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = default_directory()
    assert directory is not None
    computed = counting(monkeypatch)
    first = load_catalog([str(trees)], cache=True)
    hashes = TreeHashes(first, TreeCache(directory))
    a = first.trees["a"].tree
    assert hashes(a) == hashes(a) == tree_hash(a)
    assert computed == ["a"]
    # Another process, the same files: the hash comes from the cache.
    again = load_catalog([str(trees)], cache=True)
    later = TreeHashes(again, TreeCache(directory))
    assert later(again.trees["a"].tree) == tree_hash(a)
    assert computed == ["a"]
    # An edited file is another content; another hashing code never reads these.
    (trees / "a.yaml").write_text(tree_text("a", "b:last").replace("Up?", "Up now?"))
    edited = load_catalog([str(trees)], cache=True)
    value = TreeHashes(edited, TreeCache(directory))(edited.trees["a"].tree)
    assert value == tree_hash(edited.trees["a"].tree) != tree_hash(a)
    assert computed == ["a", "a"]
    monkeypatch.setattr(treehash, "part_name", lambda: "hash-other")
    TreeHashes(edited, TreeCache(directory))(edited.trees["a"].tree)
    assert computed == ["a", "a", "a"]


def test_trees_not_from_the_catalog_are_hashed_as_they_are(
    trees: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = default_directory()
    assert directory is not None
    catalog = load_catalog([str(trees)], cache=True)
    TreeHashes(catalog, TreeCache(directory))(catalog.trees["a"].tree)  # stored
    computed = counting(monkeypatch)
    other = load_catalog([str(trees)])  # equal trees, other objects: not the catalog's
    hashes = TreeHashes(catalog, TreeCache(directory))
    assert hashes(other.trees["a"].tree) == tree_hash(other.trees["a"].tree)
    assert TreeHashes()(other.trees["b"].tree) == tree_hash(other.trees["b"].tree)
    assert computed == ["a", "b"]
