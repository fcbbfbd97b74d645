"""Files a user or a repository can point anywhere: read safely, and cache folders kept private.

A path from the command line, the environment, the user's config folder or a
checkout may name a FIFO (opening it blocks until a writer comes), a device
(`/dev/zero` never ends), a directory or a symlink to any of these. `read_regular`
opens without blocking, reads only a regular file, and at most `limit` bytes;
anything else raises `UnreadableFile`, an `OSError` whose `strerror` says what
the path is, so callers that report `OSError`s report it as they would any
unreadable file.

A cache folder is written only when `private_directory` says it is a real
directory (no symlink on the way from the cache's root down) owned by the
user: a checkout can carry `.dectree-cache/validate -> ../../elsewhere`, and
writing or pruning through it would touch files that are not the cache's.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class UnreadableFile(OSError):
    """A path that is not a regular file, or one larger than the reader accepts."""


def kind(mode: int) -> str:
    """What a file mode says the file is, in words ("a FIFO", "a directory" ...)."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a special file"


def why_unusable(path: Path | str, exc: OSError) -> str:
    """What `os.stat(path)` failing with `exc` means, in words: a link loop, a dangling link, ..."""
    if exc.errno == errno.ELOOP:
        return "a symlink loop"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        try:
            return f"a symlink to {os.readlink(path)!r}, which does not exist"
        except OSError:
            pass
    return exc.strerror or str(exc)


def read_regular(path: Path | str, limit: int, *, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; never blocks on a FIFO or device.

    Raises `UnreadableFile` for anything but a regular file (and, with
    `follow=False`, for a symlink) or for a file over `limit` bytes, and
    `OSError` for everything else that keeps a file from being read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            if not follow:
                raise UnreadableFile(errno.ELOOP, "a symlink, not a file", str(path)) from None
            raise UnreadableFile(errno.ELOOP, "a symlink loop", str(path)) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(
                errno.EINVAL, f"not a regular file ({kind(info.st_mode)})", str(path)
            )
        if info.st_size > limit:
            raise UnreadableFile(
                errno.EFBIG,
                f"{info.st_size:,} bytes, over the limit of {limit:,} bytes",
                str(path),
            )
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise UnreadableFile(errno.EFBIG, f"over the limit of {limit:,} bytes", str(path))
    return data


def private_directory(root: Path, *parts: str, create: bool = False) -> Path | None:
    """`root/parts...` if it and every folder from `root` down are real directories the user owns.

    With `create`, missing folders are made (mode 0700). None when any of them
    is a symlink, not a directory, owned by another user, or cannot be made:
    the caller then works without that cache. Folders above `root` (the
    working directory, the home directory) are the user's own choice and are
    not checked.
    """
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    current = root
    for part in ("", *parts):
        current = current / part if part else current
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            if not create:
                return None
            try:
                if current == root:  # the folders above the cache's root are the user's
                    os.makedirs(root.parent, exist_ok=True)
                os.mkdir(current, 0o700)
                info = os.lstat(current)
            except FileExistsError:
                try:
                    info = os.lstat(current)
                except OSError:
                    return None
            except OSError:
                return None
        except OSError:
            return None
        if not stat.S_ISDIR(info.st_mode) or (uid is not None and info.st_uid != uid):
            return None
    return current


def create_new(path: Path, data: bytes, mode: int = 0o644) -> bool:
    """Write `data` to `path` only if nothing (not even a dangling symlink) is there; True if written."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, mode)
    except OSError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return True


def library_stamps(*names: str) -> list[str]:
    """`name:size:mtime` of each installed package's `__init__` (found, not imported).

    Cache fingerprints include them: what a cache keeps can depend on a library
    (bashlex's parse of a command, RE2's verdict on a rule, pydantic's models),
    and an upgrade rewrites the package's files. A package not installed is
    named as missing.
    """
    import importlib.util

    stamps = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec is not None else None
            info = os.stat(origin) if origin else None
        except (ImportError, ValueError, OSError):
            info = None
        stamps.append(f"{name}:{info.st_size}:{info.st_mtime_ns}" if info else f"{name}:missing")
    return stamps


def module_stamps(*folders: Path) -> list[str]:
    """`folder/name.py:size:mtime` of every module in `folders` (listed, not imported)."""
    stamps = []
    for folder in folders:
        for path in sorted(folder.glob("*.py")):
            try:
                info = path.stat()
            except OSError:
                continue
            stamps.append(f"{folder.name}/{path.name}:{info.st_size}:{info.st_mtime_ns}")
    return stamps
