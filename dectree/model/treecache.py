"""A per-file cache of loaded trees: start-up and `dectree validate` skip files that did not change.

Reading a tree file (YAML with positions) costs far more than anything else a
load does. A file that loaded without a problem is stored under the sha256 of
its bytes, the key `dectree validate`'s result cache uses for the file, mixed
with a fingerprint of the code that read it: the dectree, Python and pydantic
versions and the size and mtime of every module in `dectree.source` and
`dectree.model`. A cache written by any other version, or by an edited
checkout, is never read; it is simply a miss.

Only the validated `Tree` is stored. Its positioned data (every key's line
and column) is needed only when a problem is reported in that file, which is
rare for a file that did not change: the file is then read again
(`LoadedTree.position`). Storing the data too doubled what a cold run spends
writing the cache.

Entries are pickles, so they are signed: HMAC-SHA256 with a random key made
once per cache directory (mode 0600). An entry that fails the check, is
truncated, or fails to load in any way is a miss, and the file is read again.
The cache lives in the user's cache directory (`$XDG_CACHE_HOME/dectree/trees`,
else `~/.cache/dectree/trees`), or `$DECTREE_CACHE_DIR/trees`; never in the
working directory, so a repository cannot bring entries with it.
`DECTREE_NO_CACHE=1` turns it off. It never makes a load fail.
The folder and its subfolders are used only as real directories the user owns
(a symlink in their place, or another user's folder, turns the cache off);
entries are read only as regular files of bounded size, and pruning removes
only files named as entries are.

Other per-file values are kept the same way (`get`, `put_value`) under a
part name and a salt that names the code that made them: `dectree validate`
keeps each file's check facts here (`dectree.check.incremental`), salted with
the fingerprint of every module a validation runs.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import hmac
import os
import pickle
import re
import secrets
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from dectree import __version__
from dectree.source.files import module_stamps, private_directory, read_regular

_MAGIC = b"dectree-tree-cache-1\n"
_DIGEST = 32  # bytes of HMAC-SHA256
_KEY_NAME = "key"
ENTRY_LIMIT = 8192  # entry files kept; past it the least recently used half is removed
SIZE_LIMIT = 8 << 20  # larger files are not stored: see `TreeCache.put`
ENTRY_BYTES = 1 << 30  # a larger entry file is not read (a miss)
_FOLDER = re.compile(r"^[0-9a-f]{2}$")
_ENTRY = re.compile(r"^[0-9a-f]{64}\.[a-z_]+$")


def default_directory() -> Path | None:
    """Where loaded trees are kept, or None when caching is off (`DECTREE_NO_CACHE`)."""
    if os.environ.get("DECTREE_NO_CACHE"):
        return None
    base = os.environ.get("DECTREE_CACHE_DIR")
    if base:
        return Path(base) / "trees"
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return root / "dectree" / "trees"


@functools.cache
def code_fingerprint() -> str:
    """Versions, and size and mtime of the modules that read and validate a tree."""
    import pydantic

    here = Path(__file__).resolve().parent
    parts = [_MAGIC.decode().strip(), __version__, sys.version, pydantic.VERSION]
    parts += module_stamps(here, here.parent / "source")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class TreeCache:
    """Loaded trees by content digest; every failure is a miss, never an error."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._key: bytes | None = None
        self._broken = False
        self._written = 0

    @classmethod
    def default(cls) -> TreeCache | None:
        """The user's tree cache, or None when caching is off."""
        directory = default_directory()
        return cls(directory) if directory is not None else None

    def _name(self, digest: str, part: str, salt: str = "") -> Path:
        key = (
            f"{code_fingerprint()}\n{salt}\n{digest}" if salt else f"{code_fingerprint()}\n{digest}"
        )
        entry = hashlib.sha256(key.encode()).hexdigest()
        return self.directory / entry[:2] / f"{entry}.{part}"

    def _secret(self, *, create: bool) -> bytes | None:
        """The signing key of this directory, made on first write."""
        if self._key is not None or self._broken:
            return self._key
        path = self.directory / _KEY_NAME
        try:
            if private_directory(self.directory) is None:
                if not create or os.path.lexists(self.directory):
                    self._broken = create  # a symlink or another user's folder: no cache here
                    return None
                raise FileNotFoundError(path)
            key = read_regular(path, 64, follow=False)
            if len(key) == 32 and (os.lstat(path).st_mode & 0o077) == 0:
                self._key = key
                return key
            if not create:
                return None
            self._broken = True  # a key others can read is no key: no cache here
            return None
        except FileNotFoundError:
            if not create:
                return None
        except OSError:
            self._broken = True
            return None
        try:
            if private_directory(self.directory, create=True) is None:
                self._broken = True
                return None
            key = secrets.token_bytes(32)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(key)
            self._key = key
        except FileExistsError:  # another process made it first
            return self._secret(create=False)
        except OSError:
            self._broken = True
        return self._key

    def get(self, digest: str, part: str, salt: str = "") -> Any:
        """The value stored as `part` for file content `digest` by code `salt`, or None."""
        return self._read(digest, part, salt)

    def signing_key(self, *, create: bool) -> bytes | None:
        """This directory's signing key (made now if `create` and there is none), or None."""
        return self._secret(create=create)

    def _read(self, digest: str, part: str, salt: str = "") -> Any:
        key = self._secret(create=False)
        if key is None:
            return None
        path = self._name(digest, part, salt)
        if private_directory(self.directory, path.parent.name) is None:
            return None
        try:
            blob = read_regular(path, ENTRY_BYTES, follow=False)
            # recently used: kept when the cache is pruned
            os.utime(path, follow_symlinks=False)
        except OSError:
            return None
        body = blob[_DIGEST:]
        if not hmac.compare_digest(blob[:_DIGEST], hmac.new(key, body, "sha256").digest()):
            return None
        # Unpickling makes every object of the tree at once; the cyclic collector,
        # triggered by the allocations, would walk them all again and again (a
        # 10,000-node tree: 0.25 to 0.55 s with it, 0.07 s without). The tree is
        # kept anyway, so nothing is lost by collecting after it instead.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return pickle.loads(body)
        except Exception:  # a damaged entry is a miss, whatever it raises
            return None
        finally:
            if collecting:
                gc.enable()

    def get_tree(self, digest: str) -> Any:
        """The validated `Tree` stored for file content `digest`, or None."""
        return self._read(digest, "tree")

    def put(self, digest: str, tree: Any, *, size: int = 0) -> None:
        """Store a file's tree, atomically; failures are ignored.

        Files over `SIZE_LIMIT` bytes are not stored: pickling the tree of a
        45 MB file (100,000 nodes) costs 6 s, more than a third of reading it,
        and a file that large is usually the one being edited, so the entry
        would rarely be read.
        """
        if size > SIZE_LIMIT:
            return
        self.put_value(digest, "tree", tree)

    def put_value(self, digest: str, part: str, value: Any, salt: str = "") -> None:
        """Store `value` as `part` for file content `digest` by code `salt`; failures are ignored.

        `salt` names the code that made the value (`get` with another salt
        never reads it): a part made by more code than `code_fingerprint`
        covers must say so.
        """
        key = self._secret(create=True)
        if key is None:
            return
        try:
            target = self._name(digest, part, salt)
            if private_directory(self.directory, target.parent.name, create=True) is None:
                return
            body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(hmac.new(key, body, "sha256").digest())
                    handle.write(body)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except (OSError, pickle.PicklingError, RecursionError):
            return
        self._written += 1

    def prune(self, limit: int = ENTRY_LIMIT) -> None:
        """After writes: past `limit` entry files, remove the least recently used half."""
        if not self._written:
            return
        self._written = 0
        entries = []
        try:
            if private_directory(self.directory) is None:
                return
            for name in os.listdir(self.directory):
                folder = self.directory / name
                if not _FOLDER.match(name) or private_directory(folder) is None:
                    continue
                for entry in os.listdir(folder):
                    if not _ENTRY.match(entry):
                        continue
                    info = os.lstat(folder / entry)
                    if stat.S_ISREG(info.st_mode):
                        entries.append((info.st_mtime_ns, folder / entry))
        except OSError:
            return
        if len(entries) <= limit:
            return
        entries.sort()
        for _, path in entries[: len(entries) - limit // 2]:
            try:
                path.unlink()
            except OSError:
                continue
