"""Caches a checkout or another user can plant: never written, read or pruned through.

A repository can carry `.dectree-cache/validate -> ../../victim` (git keeps
relative symlinks): `dectree validate` must not write into it, read from it or
prune files there. The same for a dangling `.gitignore` link, for another
user's folder, for entries that are FIFOs (a read would block) and for the
per-user tree cache, which also keeps `dectree validate`'s per-file facts.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import dectree.check.cache as result_cache
from dectree.check.cache import Outcome, ResultCache
from dectree.cli import main
from dectree.model.treecache import TreeCache
from tests.unit.test_cache import write_set

HEX = "ab" * 32  # a name the caches would take for one of their entries


def victim_folder(tmp_path: Path) -> Path:
    victim = tmp_path / "victim"
    victim.mkdir()
    for number in range(ENTRIES):
        (victim / f"{number:064x}.json").write_text("{}")
        (victim / f"v{number}.json").write_text("{}")
    return victim


ENTRIES = 70  # over the result cache's limit of 64, so a prune through the link would delete


def validate_here(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["validate", "--today", "2026-11-26", "trees"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with trees, where `.dectree-cache/` is the result cache."""
    repo = tmp_path / "repo"
    repo.mkdir()
    write_set(repo / "trees")
    monkeypatch.chdir(repo)
    monkeypatch.delenv("DECTREE_CACHE_DIR", raising=False)
    monkeypatch.delenv("DECTREE_NO_CACHE", raising=False)
    return repo


def test_a_symlinked_validate_folder_is_not_used_and_nothing_behind_it_is_touched(
    tmp_path: Path, checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = victim_folder(tmp_path)
    before = sorted(p.name for p in victim.iterdir())
    (checkout / ".dectree-cache").mkdir()
    (checkout / ".dectree-cache" / "validate").symlink_to("../../victim")
    for _ in range(2):
        code, out, err = validate_here(capsys)
        assert code == 0 and "2 files, 2 trees" in out
        assert err.count("\n") == 1 and "is a symlink or not yours" in err
    assert sorted(p.name for p in victim.iterdir()) == before
    assert all(p.read_text() == "{}" for p in victim.iterdir())


def test_a_symlinked_cache_folder_is_not_used(
    tmp_path: Path, checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = victim_folder(tmp_path)
    before = sorted(p.name for p in victim.iterdir())
    (checkout / ".dectree-cache").symlink_to(victim)
    code, _, err = validate_here(capsys)
    assert code == 0 and "is a symlink or not yours" in err
    assert sorted(p.name for p in victim.iterdir()) == before


def test_a_dangling_gitignore_link_is_not_followed(
    tmp_path: Path, checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (checkout / ".dectree-cache").mkdir()
    (checkout / ".dectree-cache" / ".gitignore").symlink_to(tmp_path / "planted")
    code, _, err = validate_here(capsys)
    assert code == 0 and err == ""
    assert not (tmp_path / "planted").exists()
    assert list((checkout / ".dectree-cache" / "validate").glob("*.json"))  # the cache works


def test_another_users_cache_folder_is_not_used(
    checkout: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (checkout / ".dectree-cache" / "validate").mkdir(parents=True)
    real = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: real + 1)
    code, _, err = validate_here(capsys)
    assert code == 0 and "is a symlink or not yours" in err
    assert not list((checkout / ".dectree-cache" / "validate").iterdir())


def test_pruning_removes_only_regular_files_named_as_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(result_cache, "ENTRY_LIMIT", 1)
    cache = ResultCache(tmp_path / "cache")
    outcome = Outcome(1, ["a"], [])
    cache.put("0" * 64, outcome)
    folder = tmp_path / "cache" / "validate"
    outside = tmp_path / "outside.json"
    outside.write_text("keep")
    (folder / f"{HEX}.json").symlink_to(outside)  # named as an entry, but a link
    (folder / f"{'cd' * 32}.json").mkdir()  # named as an entry, but a folder
    (folder / "notes.json").write_text("keep")  # not named as an entry
    os.utime(folder / "notes.json", (1, 1))
    os.utime(folder / f"{'0' * 64}.json", (2, 2))
    cache.put("1" * 64, outcome)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{HEX}.json", f"{'cd' * 32}.json", "notes.json", f"{'1' * 64}.json"]
    )
    assert outside.read_text() == "keep"


def test_an_entry_that_is_a_fifo_or_a_link_is_a_miss(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache")
    cache.put("0" * 64, Outcome(1, ["a"], []))
    folder = tmp_path / "cache" / "validate"
    os.mkfifo(folder / f"{HEX}.json")  # reading it would block until a writer came
    assert cache.get(HEX) is None
    (folder / f"{'cd' * 32}.json").symlink_to(folder / f"{'0' * 64}.json")
    assert cache.get("cd" * 32) is None
    assert cache.get("0" * 64) == Outcome(1, ["a"], [])


# -- the per-user tree cache (and the facts `dectree validate` keeps in it) -----------


def test_a_symlinked_tree_cache_is_not_written_through(tmp_path: Path) -> None:
    victim = victim_folder(tmp_path)
    before = sorted(p.name for p in victim.iterdir())
    (tmp_path / "trees").symlink_to(victim)
    cache = TreeCache(tmp_path / "trees")
    cache.put_value(HEX, "facts", {"a": 1})
    assert cache.get(HEX, "facts") is None
    cache.prune(limit=0)
    assert sorted(p.name for p in victim.iterdir()) == before


def test_a_symlinked_entry_folder_is_not_written_through(tmp_path: Path) -> None:
    cache = TreeCache(tmp_path / "trees")
    cache.put_value("0" * 64, "facts", 1)  # makes the key and one entry folder
    target = cache._name(HEX, "facts")
    victim = tmp_path / "victim"
    victim.mkdir()
    target.parent.symlink_to(victim)
    cache.put_value(HEX, "facts", {"a": 1})
    assert not list(victim.iterdir())
    assert cache.get(HEX, "facts") is None
    assert cache.get("0" * 64, "facts") == 1


def test_tree_cache_entries_that_are_fifos_or_links_are_misses_and_never_pruned(
    tmp_path: Path,
) -> None:
    cache = TreeCache(tmp_path / "trees")
    cache.put_value("0" * 64, "facts", 1)
    fifo = cache._name(HEX, "facts")
    fifo.parent.mkdir(exist_ok=True)
    os.mkfifo(fifo)
    assert cache.get(HEX, "facts") is None
    outside = tmp_path / "outside"
    outside.write_text("keep")
    link = cache._name("cd" * 32, "facts")
    link.parent.mkdir(exist_ok=True)
    link.symlink_to(outside)
    assert cache.get("cd" * 32, "facts") is None
    cache.put_value("1" * 64, "facts", 2)
    cache.prune(limit=0)
    assert fifo.exists() and link.is_symlink() and outside.read_text() == "keep"
    assert not cache._name("0" * 64, "facts").exists()


def test_a_linked_signing_key_turns_the_tree_cache_off(tmp_path: Path) -> None:
    folder = tmp_path / "trees"
    folder.mkdir(mode=0o700)
    os.mkfifo(tmp_path / "fifo")
    (folder / "key").symlink_to(tmp_path / "fifo")
    cache = TreeCache(folder)
    cache.put_value(HEX, "facts", 1)
    assert cache.get(HEX, "facts") is None
    assert sorted(p.name for p in folder.iterdir()) == ["key"]
