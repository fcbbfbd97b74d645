"""A cache of `dectree validate` results keyed on file content, as ruff keeps one.

A run's outcome (its problems, the number of files and the trees checked) is
stored under a key made of everything that can change it:

- the dectree version and a fingerprint (size, mtime) of the modules a
  validation runs (`dectree.text` up to `dectree.check`) (so an edited checkout never serves results of the code it
  replaced);
- the options that change results (`--today`, which defaults to the date of the
  run, `--max-path`, `--max-bytes`);
- for every input file in load order: its path as given, whether it was checked
  or only loaded as context for links, and the sha256 digest of its bytes.

A tree's verdicts depend on the trees it links to and on those linking into it
(reachability, loops, dangling links, did-you-mean hints), so the key covers
the whole set: when any file changes, the checks across trees run again
(`dectree.check.incremental`, over each file's kept facts, so only the
changed files are read). Unchanged sets are served without parsing anything.

The cache lives in `.dectree-cache/` in the current directory (a `.gitignore`
inside keeps it out of commits), or in `$DECTREE_CACHE_DIR`. It never makes a run
fail: an unreadable or corrupt entry is a miss, a failed write is ignored.
A checkout can carry the folder, so it is used only when it and its `validate`
folder are real directories the user owns (no symlink: see
`dectree.source.files.private_directory`); entries are read only as regular
files, and pruning removes only files named as entries are.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dectree import __version__
from dectree.source.files import (
    create_new,
    library_stamps,
    module_stamps,
    private_directory,
    read_regular,
)
from dectree.source.problems import Problem, Severity

CACHE_DIR_NAME = ".dectree-cache"
ENTRY_LIMIT = 64  # newest results kept; older ones are removed on write
ENTRY_BYTES = 256 << 20  # a larger entry is not read (a miss)
_ENTRY_NAME = re.compile(r"^[0-9a-f]{64}\.json$")
_FORMAT = 1


@dataclass(frozen=True)
class Input:
    """One file of a run: its path as given, its role and its content digest."""

    path: str
    digest: str
    context: bool = False


@dataclass
class Outcome:
    """What `dectree validate` prints, minus formatting."""

    files: int
    trees: list[str]
    problems: list[Problem]


def default_directory() -> Path:
    """`$DECTREE_CACHE_DIR`, else `.dectree-cache` in the current directory."""
    return Path(os.environ.get("DECTREE_CACHE_DIR") or CACHE_DIR_NAME)


def file_digest(path: Path) -> str | None:
    """sha256 hex of a file's bytes, or None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def code_fingerprint() -> str:
    """Version plus size and mtime of every module a validation runs (the layers up to `check`).

    Found by listing files, not importing them: a cache hit must not pay for
    loading pydantic and the models. An edit to the app, the commands or the
    renderers does not turn the cache over.
    """
    parts = [__version__, sys.version]
    # The libraries whose answers the kept verdicts hold (models, YAML, graph work,
    # shell parsing, RE2 rules, stemming): an upgrade of one turns the cache over.
    parts += library_stamps(
        "pydantic", "pydantic_core", "yaml", "networkx", "bashlex", "re2", "snowballstemmer"
    )
    package = Path(__file__).resolve().parent.parent
    parts += module_stamps(*(package / layer for layer in ("text", "source", "model", "engine", "check")))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def run_key(inputs: Sequence[Input], options: Mapping[str, object]) -> str:
    """The cache key of a run over `inputs` (in load order) with `options`."""
    payload = {
        "format": _FORMAT,
        "code": code_fingerprint(),
        "options": {k: str(v) for k, v in sorted(options.items())},
        "inputs": [[i.path, i.digest, i.context] for i in inputs],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class ResultCache:
    """Stored outcomes of `dectree validate`, one JSON file per key."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else default_directory()

    def usable(self) -> bool:
        """False when the folder is there but is not one the cache may use (a symlink, not the user's)."""
        if not os.path.lexists(self.directory):
            return True
        return private_directory(self.directory) is not None and (
            not os.path.lexists(self.directory / "validate")
            or private_directory(self.directory, "validate") is not None
        )

    def get(self, key: str) -> Outcome | None:
        """The stored outcome for `key`, or None."""
        folder = private_directory(self.directory, "validate")
        if folder is None:
            return None
        try:
            raw = json.loads(read_regular(folder / f"{key}.json", ENTRY_BYTES, follow=False))
            return Outcome(
                files=int(raw["files"]),
                trees=[str(t) for t in raw["trees"]],
                problems=[
                    Problem(p[0], int(p[1]), int(p[2]), Severity(p[3]), str(p[4]), str(p[5]))
                    for p in raw["problems"]
                ],
            )
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def put(self, key: str, outcome: Outcome) -> None:
        """Store `outcome` under `key`, atomically; drop the oldest entries past the limit."""
        payload = {
            "files": outcome.files,
            "trees": outcome.trees,
            "problems": [
                [p.path, p.line, p.column, p.level.value, p.code, p.message]
                for p in outcome.problems
            ],
        }
        folder = self._prepare()
        if folder is None:
            return
        try:
            # mkstemp opens with O_EXCL; os.replace renames over a name, never through a symlink
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    # dumps, not dump: dump streams through the pure-Python encoder (5x slower)
                    handle.write(json.dumps(payload, separators=(",", ":")))
                os.replace(tmp, folder / f"{key}.json")
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._prune(folder)
        except OSError:
            return

    def _prepare(self) -> Path | None:
        """The entries' folder, made if missing; None when the cache may not be used."""
        folder = private_directory(self.directory, "validate", create=True)
        if folder is None:
            return None
        create_new(
            self.directory / ".gitignore",
            b"# Created by dectree: results of `dectree validate`.\n*\n",
        )
        create_new(
            self.directory / "CACHEDIR.TAG",
            b"Signature: 8a477f597d28d172789f06886806bc55\n"
            b"# This file is a cache directory tag created by dectree.\n",
        )
        return folder

    @staticmethod
    def _prune(folder: Path) -> None:
        """Past `ENTRY_LIMIT`, remove the oldest entries: regular files named as entries, nothing else."""
        entries = []
        try:
            names = os.listdir(folder)
        except OSError:
            return
        for name in names:
            if not _ENTRY_NAME.match(name):
                continue
            path = folder / name
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                entries.append((info.st_mtime_ns, path))
        entries.sort(reverse=True)
        for _, path in entries[ENTRY_LIMIT:]:
            try:
                path.unlink()
            except OSError:
                continue
