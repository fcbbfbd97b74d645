"""Writing rendered files atomically, and checking committed ones are current."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dectree.source.files import read_regular


def write_atomic(path: Path, text: str) -> None:
    """Write `text` (UTF-8, LF line ends) to `path` via a temp file and a rename.

    A reader sees the old file or the new one, never half of one; on failure the
    temp file is removed and the old file is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def is_current(path: Path, text: str) -> bool:
    """Whether `path` is a regular file holding exactly `text` (as UTF-8 bytes).

    A FIFO or a device there is not current (and is never read: it could block
    or never end), nor is a file larger than `text`.
    """
    expected = text.encode("utf-8")
    try:
        return read_regular(path, len(expected)) == expected
    except OSError:
        return False
