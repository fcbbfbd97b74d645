"""The per-file cache of loaded trees (`dectree.model.treecache`).

A file whose bytes were loaded before comes from the cache without being read
as YAML; its problems keep their positions; an entry that is damaged, signed
with another key, or written by other code is never trusted; and, the
differential test, `dectree validate` with its caches gives exactly what a
cold run gives after every step of random edit sequences.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import random
import shutil
from pathlib import Path

import pytest

import dectree.model.catalog as catalog_module
import dectree.model.treecache as treecache
from dectree.check.incremental import FactsStore
from dectree.check.local import TreeFacts
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

SPIN = """spin:
    kind: action
    prompt: Again.
    next: {next}"""


def _edits(rng: random.Random, ids: list[str], current: dict[str, str]) -> tuple[str, str | None]:
    """One random edit: (tree to rewrite, its new text, or None to remove the file).

    Besides edits inside one tree, the cross-tree cases: a link into a tree
    that is then renamed or removed, a loop closed across two trees (with and
    without a way out), a tree id duplicated and then fixed, and an edit that
    moves a file's lines without changing its tree.
    """
    tree_id = rng.choice(ids)
    other = rng.choice([i for i in ids if i != tree_id])
    kind = rng.randrange(13)
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
    if kind == 7:  # half of a loop across two trees: q -> other:spin, spin -> other:spin
        way_out = rng.random() < 0.5
        extra = SPIN.format(next=f"{other}:spin") + ("\n  " + LAST if way_out else "")
        return tree_id, tree_text(tree_id, f"{other}:spin", extra)
    if kind == 8:  # the tree renamed: links into it now dangle
        return tree_id, tree_text(f"{tree_id}-renamed", f"{other}:last", LAST)
    if kind == 9:
        return tree_id, None  # a removed file
    if kind == 10 and tree_id in current:  # the same tree, every line moved down
        return tree_id, "# moved\n" * rng.randrange(1, 4) + current[tree_id]
    if kind == 11 and tree_id in current:  # the same tree, key order and spacing changed
        return tree_id, current[tree_id].replace("title:", "\ntitle:", 1)
    return tree_id, tree_text(tree_id, "done")


def _validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object]:
    code = main(["validate", "--today", "2026-11-26", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out)


def _differential(
    seed: int,
    tmp_path: Path,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *,
    steps: int = 16,
) -> None:
    rng = random.Random(seed)
    ids = ["a", "b", "c", "d", "e"]
    folder = tmp_path / "set"
    folder.mkdir(parents=True)
    current: dict[str, str] = {}
    for number, tree_id in enumerate(ids):
        current[tree_id] = tree_text(tree_id, f"{ids[(number + 1) % len(ids)]}:last", LAST)
        (folder / f"{tree_id}.yaml").write_text(current[tree_id])
    monkeypatch.chdir(tmp_path)
    for step in range(steps):
        tree_id, text = _edits(rng, ids, current)
        path = folder / f"{tree_id}.yaml"
        if text is None:
            path.unlink(missing_ok=True)
            current.pop(tree_id, None)
        else:
            path.write_text(text)
            current[tree_id] = text
        # the whole set, and one file named (its siblings are context for links)
        for named in (str(folder), str(path) if path.exists() else str(folder)):
            incremental = _validate(capsys, named)
            cold = _validate(capsys, "--no-cache", named)
            where = f"seed {seed}, step {step}, {named}: {tree_id} <- {(text or 'removed')[:40]!r}"
            assert incremental == cold, where
        if step % 6 == 5:  # and a result cache that is gone: the per-file caches alone
            shutil.rmtree(cache_dir.parent / "validate", ignore_errors=True)


@pytest.mark.parametrize("seed", range(8))
def test_incremental_runs_give_what_cold_runs_give(
    seed: int,
    tmp_path: Path,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _differential(seed, tmp_path, cache_dir, capsys, monkeypatch)


def test_the_differential_test_sees_a_broken_incremental_path(
    tmp_path: Path,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Facts served for the wrong file (a store that ignores the digest) must fail it."""
    served: dict[str, TreeFacts] = {}
    real_get = FactsStore.get

    def stale(self: FactsStore, digest: str) -> TreeFacts | None:
        found = real_get(self, digest)
        if found is None:
            return None
        return served.setdefault(found.tree_id, found)  # the first facts seen for the tree

    monkeypatch.setattr(FactsStore, "get", stale)
    failures = 0
    for seed in range(4):
        try:
            _differential(seed, tmp_path / str(seed), cache_dir, capsys, monkeypatch)
        except AssertionError:
            failures += 1
        served.clear()
    assert failures > 0


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


# -- per-file facts: what `dectree validate` keeps so that one changed file is all it reads ---


def _many(folder: Path, count: int = 6) -> list[Path]:
    folder.mkdir()
    paths = []
    for number in range(count):
        path = folder / f"t{number}.yaml"
        path.write_text(tree_text(f"t{number}", f"t{(number + 1) % count}:last", LAST))
        paths.append(path)
    return paths


def test_one_changed_file_is_the_only_one_read_or_unpickled_as_a_tree(
    tmp_path: Path,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths = _many(tmp_path / "set")
    monkeypatch.chdir(tmp_path)
    first = _validate(capsys, str(tmp_path / "set"))
    assert len(list(cache_dir.rglob("*.facts"))) == len(paths)
    reads = count_reads(monkeypatch)
    trees: list[str] = []
    real_get_tree = TreeCache.get_tree
    monkeypatch.setattr(
        TreeCache,
        "get_tree",
        lambda self, digest: trees.append(digest) or real_get_tree(self, digest),
    )
    paths[2].write_text(paths[2].read_text().replace("Up?", "Up at all?"))
    second = _validate(capsys, str(tmp_path / "set"))
    assert second == first  # a prompt reworded: no problem changes
    assert len(reads) == 1 and len(trees) == 1  # the changed file: a miss in the tree cache
    paths[3].write_text("# a comment\n" + paths[3].read_text())  # every line moves
    third = _validate(capsys, str(tmp_path / "set"))
    assert len(reads) == 2 and len(trees) == 2
    assert third == _validate(capsys, "--no-cache", str(tmp_path / "set"))


def test_facts_entries_are_trusted_only_when_signed_by_this_code(
    tmp_path: Path,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths = _many(tmp_path / "set")
    (tmp_path / "set" / "t1.yaml").write_text(tree_text("t1", "t9:nowhere"))  # a dangling link
    monkeypatch.chdir(tmp_path)
    cold = _validate(capsys, "--no-cache", str(tmp_path / "set"))
    assert not cache_dir.exists()  # --no-cache keeps nothing
    _validate(capsys, str(tmp_path / "set"))
    facts = sorted(cache_dir.rglob("*.facts"))
    assert len(facts) == len(paths)
    for entry in facts[:3]:  # damaged, truncated, signed with another key
        blob = bytearray(entry.read_bytes())
        blob[-3] ^= 0xFF
        entry.write_bytes(bytes(blob))
    facts[3].write_bytes(facts[3].read_bytes()[:40])
    facts[4].write_bytes(b"\0" * 32 + pickle.dumps("not facts"))
    shutil.rmtree(cache_dir.parent / "validate", ignore_errors=True)
    reads = count_reads(monkeypatch)
    assert _validate(capsys, str(tmp_path / "set")) == cold
    assert len(reads) == 5  # every damaged entry was a miss, and the file read again
    # Entries made by other code (another version, an edited checkout) are never read.
    monkeypatch.setattr("dectree.check.incremental.code_fingerprint", lambda: "other code")
    shutil.rmtree(cache_dir.parent / "validate", ignore_errors=True)
    assert _validate(capsys, str(tmp_path / "set")) == cold
    assert len(reads) == 5 + len(paths)
    monkeypatch.setenv("DECTREE_NO_CACHE", "1")
    shutil.rmtree(cache_dir, ignore_errors=True)
    assert _validate(capsys, str(tmp_path / "set")) == cold
    assert not cache_dir.exists()


def test_no_garbage_collection_while_a_tree_is_unpickled(
    trees: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The collector would walk the objects of a large tree again and again as they are
    made (a 10,000-node tree: 0.25 to 0.55 s with it, 0.07 s without); it is on again
    afterwards, also when an entry fails to unpickle."""
    load_catalog([str(trees)], cache=True)
    collecting: list[bool] = []
    real_loads = pickle.loads

    def loads(data: bytes) -> object:
        collecting.append(gc.isenabled())
        if len(collecting) == 2:
            raise pickle.UnpicklingError("damaged")
        return real_loads(data)

    monkeypatch.setattr(pickle, "loads", loads)
    reads = count_reads(monkeypatch)
    assert gc.isenabled()
    again = load_catalog([str(trees)], cache=True)
    assert collecting == [False, False]
    assert gc.isenabled()
    assert sorted(again.trees) == ["a", "b"] and len(reads) == 1  # the second one read again


def test_facts_found_with_lost_positions_are_not_kept(
    trees: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tree from the tree cache reads its file again for positions; if the file
    changed in between, positions fall back to 1:1. Facts found that way must not
    be kept: they would come back, every problem at 1:1, the day the file has
    those bytes again (an undo, a checkout)."""
    import hashlib

    import dectree.check.incremental as incremental
    from dectree.model.catalog import load_file

    path = trees / "a.yaml"
    path.write_text(tree_text("a", "b:nowhere"))  # a dangling link: a positioned problem
    original = path.read_bytes()
    store_trees = TreeCache.default()
    assert store_trees is not None
    load_file(path, cache=store_trees)  # the tree is in the tree cache, its facts are not
    store = FactsStore(store_trees)

    def edited_after_reading(p: Path, **kwargs: object) -> object:
        found = load_file(p, **kwargs)  # type: ignore[arg-type]
        p.write_text(tree_text("a", "b:last") + "\n# edited\n")
        return found

    monkeypatch.setattr(incremental, "load_file", edited_after_reading)
    entry, _ = incremental._entry(path, 1 << 20, store_trees, store, own_problems=True)
    assert entry is not None and entry.loaded is not None and entry.loaded.positions_lost
    assert store.get(hashlib.sha256(original).hexdigest()) is None
    monkeypatch.undo()
    path.write_bytes(original)  # the old bytes again: a run finds real positions
    capsys.readouterr()
    assert main(["validate", str(trees)]) == 1
    [line] = [x for x in capsys.readouterr().out.splitlines() if "DT210" in x or "DT209" in x]
    assert ":1:1:" not in line, line
