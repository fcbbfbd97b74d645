"""Which tree files to load: the paths given, else ./trees, else the bundled trees.

Directories named in `DECTREE_PATH` (colon-separated) are always added. This
module only looks at the file system, so a cached `dectree validate` can find
its inputs without loading the models.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

TREE_SUFFIXES = (".yaml", ".yml")


def bundled_trees_dir() -> Path:
    """Where the trees shipped with the package live."""
    return Path(str(resources.files("dectree"))) / "trees"


def tree_files(directory: Path) -> list[Path]:
    """The tree files directly in `directory`, sorted.

    Every name ending in `.yaml` or `.yml` but a directory: a FIFO, a device, a
    dangling link or a link loop is a tree file that cannot be read, and the
    loader says so (DT010), rather than being passed over in silence.
    """
    return sorted(p for p in directory.iterdir() if p.suffix in TREE_SUFFIXES and not p.is_dir())


def skipped_entries(paths: Sequence[str]) -> list[tuple[Path, str]]:
    """Entries of the directories in `paths` that look like tree files but are not loaded, and why."""
    found: list[tuple[Path, str]] = []
    for name in paths:
        directory = Path(name)
        if not directory.is_dir():
            continue
        try:
            entries = sorted(directory.iterdir())
        except OSError:
            continue
        for path in entries:
            if path.suffix in TREE_SUFFIXES:
                if path.is_dir():
                    found.append((path, "a directory, not a tree file"))
            elif path.suffix.lower() in TREE_SUFFIXES:
                found.append((path, "tree files end in .yaml or .yml, in lowercase"))
    return found


def discover(paths: Sequence[str] = ()) -> list[Path]:
    """Tree files to load: given paths, else ./trees, else the bundled trees; plus DECTREE_PATH."""
    roots: list[Path] = [Path(p) for p in paths]
    if not roots:
        local = Path("trees")
        roots = [local] if local.is_dir() else [bundled_trees_dir()]
    extra = [Path(p) for p in os.environ.get("DECTREE_PATH", "").split(os.pathsep) if p]
    files: list[Path] = []
    seen: set[Path] = set()
    for root in [*roots, *extra]:
        found = tree_files(root) if root.is_dir() else [root]
        for path in found:
            key = Path(os.path.realpath(path))  # never raises on a link loop
            if key not in seen:
                seen.add(key)
                files.append(path)
    return files


def siblings(paths: Sequence[str], chosen: Sequence[Path]) -> list[Path]:
    """Tree files beside the files named in `paths` that were not chosen themselves.

    Validating one file of a tree set (as pre-commit does with changed files)
    must still resolve its links into the other trees of the set.
    """
    taken = {Path(os.path.realpath(p)) for p in chosen}
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_file():
            for other in tree_files(path.parent):
                key = Path(os.path.realpath(other))
                if key not in taken:
                    taken.add(key)
                    found.append(other)
    return found
