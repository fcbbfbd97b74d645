"""The per-file cache of loaded trees (`dectree.model.treecache`).

A file whose bytes were loaded before comes from the cache without being read
as YAML; its problems keep their positions; an entry that is damaged, signed
with another key, or written by other code is never trusted; and, the
differential test, `dectree validate` with its caches gives exactly what a
cold run gives after every step of random edit sequences.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
from pathlib import Path

import pytest

import dectree.model.catalog as catalog_module
import dectree.model.treecache as treecache
from dectree.cli import main
from dectree.model.catalog import load_catalog
from dectree.model.treecache import TreeCache, default_directory
from tests.unit.test_cache import LAST, TREE


def tree_text(tree_id: str, link: str, extra: str = "") -> str:
    return TREE.format(id=tree_id, link=link, extra=extra)


@pytest.fixture
def trees(tmp_path: Path) -> Path:
    folder = tmp_path / "trees"
    folder.mkdir()
    (folder / "a.yaml").write_text(tree_text("a", "b:last"))
    (folder / "b.yaml").write_text(tree_text("b", "last", LAST))
    return folder


@pytest.fixture
def cache_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DECTREE_NO_CACHE", raising=False)
    found = default_directory()
    assert found is not None
    return found


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count YAML reads done by the loader."""
    reads: list[int] = []
    real = catalog_module.read

    def counting(raw: bytes, **kwargs: int) -> object:
        reads.append(len(raw))
        return real(raw, **kwargs)

    monkeypatch.setattr(catalog_module, "read", counting)
    return reads


def entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.rglob("*.tree"))


def test_an_unchanged_file_comes_from_the_cache_and_equals_a_fresh_load(
    trees: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = load_catalog([str(trees)])
    first = load_catalog([str(trees)], cache=True)
    assert len(entries(cache_dir)) == 2
    reads = count_reads(monkeypatch)
    second = load_catalog([str(trees)], cache=True)
    assert reads == []
    assert {k: v.tree for k, v in second.trees.items()} == {
        k: v.tree for k, v in fresh.trees.items()
    }
    assert [t.digest for t in second.trees.values()] == [t.digest for t in first.trees.values()]
    (trees / "a.yaml").write_text(tree_text("a", "b:last").replace("Up?", "Up now?"))
    third = load_catalog([str(trees)], cache=True)
    assert len(reads) == 1  # only the edited file was read
    assert third.trees["a"].tree.nodes["q"].prompt == "Up now?"  # type: ignore[union-attr]


def test_a_cached_tree_reports_problems_at_their_positions(
    trees: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (trees / "a.yaml").write_text(tree_text("a", "b:nowhere"))  # a dangling link
    cold = load_catalog([str(trees)])
    load_catalog([str(trees)], cache=True)
    warm = load_catalog([str(trees)], cache=True)
    assert warm.trees["a"].data is None  # positions not read until asked
    loc = ("nodes", "q", "choices", 1, "next")
    assert warm.trees["a"].position(loc) == cold.trees["a"].position(loc) != (1, 1)


def test_damaged_foreign_or_stale_entries_are_misses(
    trees: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalog([str(trees)], cache=True)
    reads = count_reads(monkeypatch)
    first, second = entries(cache_dir)
    blob = bytearray(first.read_bytes())
    blob[-5] ^= 0xFF  # damaged
    first.write_bytes(bytes(blob))
    body = pickle.dumps(["not", "a", "tree"])
    second.write_bytes(b"\0" * 32 + body)  # signed with another key
    loads: list[bytes] = []
    real_loads = pickle.loads
    monkeypatch.setattr(pickle, "loads", lambda data: loads.append(data) or real_loads(data))
    again = load_catalog([str(trees)], cache=True)
    assert len(reads) == 2 and sorted(again.trees) == ["a", "b"]
    assert loads == []  # nothing unsigned was unpickled
    # Other code (another version, an edited checkout) never reads these entries.
    monkeypatch.setattr(treecache, "code_fingerprint", lambda: "another version")
    load_catalog([str(trees)], cache=True)
    assert len(reads) == 4


def test_a_key_others_can_read_turns_the_cache_off(
    trees: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalog([str(trees)], cache=True)
    os.chmod(cache_dir / "key", 0o644)
    reads = count_reads(monkeypatch)
    load_catalog([str(trees)], cache=True)
    assert len(reads) == 2


def test_no_cache_means_no_entries(
    trees: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DECTREE_NO_CACHE", "1")
    load_catalog([str(trees)], cache=True)
    assert not cache_dir.exists()
    monkeypatch.delenv("DECTREE_NO_CACHE")
    load_catalog([str(trees)])  # the default: no cache
    assert not cache_dir.exists()


def test_an_unwritable_cache_never_fails_a_load(
    trees: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("DECTREE_CACHE_DIR", str(blocker))
    catalog = load_catalog([str(trees)], cache=True)
    assert sorted(catalog.trees) == ["a", "b"] and not catalog.problems


def test_pruning_keeps_the_most_recently_used_entries(tmp_path: Path) -> None:
    cache = TreeCache(tmp_path / "c")
    for number in range(12):
        cache.put(f"{number:064x}", {"tree": number})
        stamp = 1_000_000 + number
        os.utime(cache._name(f"{number:064x}", "tree"), (stamp, stamp))
    cache.prune(limit=8)
    kept = {p.name for p in (tmp_path / "c").rglob("*.tree")}
    assert kept == {cache._name(f"{n:064x}", "tree").name for n in range(8, 12)}


# -- the differential test: incremental runs against cold runs --------------------------


def _edits(rng: random.Random, ids: list[str]) -> tuple[str, str]:
    """One random edit: (tree to rewrite, its new text)."""
    tree_id = rng.choice(ids)
    other = rng.choice(ids)
    kind = rng.randrange(8)
    if kind == 0:
        return tree_id, tree_text(tree_id, f"{other}:last", LAST)
    if kind == 1:
        return tree_id, tree_text(tree_id, f"{other}:nowhere")  # dangling link
    if kind == 2:
        return tree_id, tree_text(tree_id, "last", LAST.replace("L2", "L3"))  # no L3 contact
    if kind == 3:
        return tree_id, tree_text(tree_id, "q")  # a loop back to the question
    if kind == 4:
        return tree_id, tree_text(tree_id, "done").replace("prompt:", "promt:")  # unknown key
    if kind == 5:
        return tree_id, "id: [unclosed\n"  # not YAML
    if kind == 6:
        return tree_id, tree_text(other, "done")  # a duplicate tree id
    return tree_id, tree_text(tree_id, "done")


def _validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object]:
    code = main(["validate", "--today", "2026-11-26", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out)


@pytest.mark.parametrize("seed", range(4))
def test_incremental_runs_give_what_cold_runs_give(
    seed: int,
    tmp_path: Path,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(seed)
    ids = ["a", "b", "c", "d", "e"]
    folder = tmp_path / "set"
    folder.mkdir()
    for number, tree_id in enumerate(ids):
        (folder / f"{tree_id}.yaml").write_text(
            tree_text(tree_id, f"{ids[(number + 1) % len(ids)]}:last", LAST)
        )
    monkeypatch.chdir(tmp_path)
    for step in range(12):
        tree_id, text = _edits(rng, ids)
        path = folder / f"{tree_id}.yaml"
        if rng.random() < 0.15 and path.exists():
            path.unlink()  # a removed file
        else:
            path.write_text(text)
        incremental = _validate(capsys, str(folder))
        cold = _validate(capsys, "--no-cache", str(folder))
        assert incremental == cold, f"seed {seed}, step {step}: {tree_id} <- {text[:40]!r}"
        if step == 5:  # and a result cache that is gone: the tree cache alone
            shutil.rmtree(cache_dir.parent / "validate", ignore_errors=True)


def test_files_over_the_size_limit_are_not_stored(
    trees: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small, large = sorted(p.stat().st_size for p in trees.glob("*.yaml"))
    assert small < large
    monkeypatch.setattr(treecache, "SIZE_LIMIT", small)
    load_catalog([str(trees)], cache=True)
    assert len(entries(cache_dir)) == 1  # the larger file was loaded, not stored
    monkeypatch.setattr(treecache, "SIZE_LIMIT", large)
    load_catalog([str(trees)], cache=True)
    assert len(entries(cache_dir)) == 2
