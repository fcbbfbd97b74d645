"""What the home screen lists before the catalog is loaded (`dectree.model.listing`).

The summaries kept beside the tree cache are those of the loaded trees; any file
that is new, changed, broken or a duplicate id, any other code, and any entry
not signed with the cache's key make the whole listing unknown (the home screen
then waits for the catalog, as it always did).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import dectree.model.listing as listing_module
from dectree.model.catalog import load_catalog
from dectree.model.listing import INDEX_FILES, index_name, quick_listing, summarize
from dectree.model.treecache import default_directory
from tests.unit.test_cache import LAST
from tests.unit.test_tree_cache import tree_text

LIMIT = 1 << 20


@pytest.fixture
def trees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DECTREE_NO_CACHE", raising=False)
    folder = tmp_path / "trees"
    folder.mkdir()
    (folder / "a.yaml").write_text(tree_text("a", "b:last"))
    (folder / "b.yaml").write_text(tree_text("b", "last", LAST))
    return folder


def test_the_listing_is_what_the_catalog_shows(trees: Path) -> None:
    assert quick_listing([str(trees)], max_bytes=LIMIT) is None  # nothing loaded yet
    catalog = load_catalog([str(trees)], cache=True)
    assert not catalog.problems, catalog.problems
    listed = quick_listing([str(trees)], max_bytes=LIMIT)
    assert listed == [summarize(catalog.trees[t].tree) for t in ("a", "b")]
    assert listed is not None and listed[0].steps == len(catalog.trees["a"].tree.nodes) > 0


def test_any_unknown_file_makes_the_listing_unknown(
    trees: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalog([str(trees)], cache=True)
    (trees / "a.yaml").write_text(tree_text("a", "b:last").replace("Up?", "Up now?"))
    assert quick_listing([str(trees)], max_bytes=LIMIT) is None  # changed since
    load_catalog([str(trees)], cache=True)
    assert quick_listing([str(trees)], max_bytes=LIMIT) is not None
    (trees / "c.yaml").write_text("id: c\ntitle: [unclosed\n")
    assert quick_listing([str(trees)], max_bytes=LIMIT) is None  # broken: never listed
    load_catalog([str(trees)], cache=True)
    assert quick_listing([str(trees)], max_bytes=LIMIT) is None
    (trees / "c.yaml").write_text((trees / "a.yaml").read_text() + "\n")  # a second 'a'
    load_catalog([str(trees)], cache=True)
    assert quick_listing([str(trees)], max_bytes=LIMIT) is None
    (trees / "c.yaml").unlink()
    assert quick_listing([str(trees)], max_bytes=LIMIT) is not None
    assert quick_listing([str(trees)], max_bytes=10) is None  # over the size limit
    real = listing_module.listing_fingerprint
    monkeypatch.setattr(listing_module, "listing_fingerprint", lambda: "another version")
    assert quick_listing([str(trees)], max_bytes=LIMIT) is None
    monkeypatch.setattr(listing_module, "listing_fingerprint", real)
    assert quick_listing([str(trees)], max_bytes=LIMIT) is not None
    monkeypatch.setenv("DECTREE_NO_CACHE", "1")
    assert quick_listing([str(trees)], max_bytes=LIMIT) is None


def test_an_index_not_signed_with_the_cache_key_is_ignored(trees: Path) -> None:
    load_catalog([str(trees)], cache=True)
    directory = default_directory()
    assert directory is not None
    index = directory / index_name()
    blob = bytearray(index.read_bytes())
    blob[40] ^= 0x01
    index.write_bytes(bytes(blob))
    assert quick_listing([str(trees)], max_bytes=LIMIT) is None
    index.write_bytes(b"\0" * 32 + b'{"code": "x", "trees": {}}')
    assert quick_listing([str(trees)], max_bytes=LIMIT) is None
    load_catalog([str(trees)], cache=True)  # written again
    assert quick_listing([str(trees)], max_bytes=LIMIT) is not None


def test_listing_imports_neither_pydantic_nor_the_models(trees: Path) -> None:
    load_catalog([str(trees)], cache=True)
    code = (
        "import sys\n"
        "from dectree.model.listing import quick_listing\n"
        f"print(len(quick_listing([{str(trees)!r}], max_bytes={LIMIT})))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml')"
        " or m in ('dectree.model.tree', 'dectree.model.catalog')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["2", "[]"]


def test_each_version_keeps_its_own_listing(trees: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two versions sharing a cache directory (an upgrade, two checkouts) each find theirs;
    only the last few versions' files are kept."""
    directory = default_directory()
    assert directory is not None
    for version in range(INDEX_FILES + 2):
        monkeypatch.setattr(listing_module, "listing_fingerprint", lambda v=version: f"{v:02x}" * 8)
        load_catalog([str(trees)], cache=True)
        assert quick_listing([str(trees)], max_bytes=LIMIT) is not None
    files = sorted(p.name for p in directory.glob("listing-*.json"))
    assert len(files) == INDEX_FILES and index_name() in files
    monkeypatch.setattr(listing_module, "listing_fingerprint", lambda: "00" * 8)
    assert quick_listing([str(trees)], max_bytes=LIMIT) is None  # the oldest was removed


def test_a_cache_folder_that_is_a_symlink_is_not_used(trees: Path, tmp_path: Path) -> None:
    """As the tree cache: a link in the cache folder's place (a checkout or another user
    pointing it elsewhere) turns the listing off; nothing is read or written through it."""
    directory = default_directory()
    assert directory is not None
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    directory.parent.mkdir(parents=True, exist_ok=True)
    directory.symlink_to(elsewhere, target_is_directory=True)
    load_catalog([str(trees)], cache=True)
    assert quick_listing([str(trees)], max_bytes=LIMIT) is None
    assert list(elsewhere.iterdir()) == []
