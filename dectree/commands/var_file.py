"""Variable values kept between incidents: the per-user defaults file and `--var-file`.

Hosts, namespaces and kube contexts stay the same from one incident to the
next, so they can live in a TOML file instead of being typed each time:

    # ~/.config/dectree/variables.toml (platformdirs' config dir on each system)
    [variables]
    namespace = "payments"
    kube_context = "prod-eu-1"

    [secrets]        # read only from here, and only if the file is private (0600)
    token = "..."

A value under `[variables]` for a variable that a tree declares secret is
never used (the app says so): secrets are read only from `[secrets]`, the
author's explicit mark, and never from a file others can read. Later sources
win: the defaults file, then each `--var-file`, then each `--var`.

No pydantic, no Textual: the values go to the app as plain mappings.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from dectree.source.files import read_regular

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

VARIABLES_FILE = "variables.toml"
MAX_BYTES = 1 << 20  # a variables file is a few lines; a larger one is a mistake
# The same pattern as dectree.model.tree.VAR_PATTERN, without importing pydantic here.
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class VarFileError(Exception):
    """A variables file that cannot be used; the message says where and what."""


@dataclass
class VarValues:
    """Values read from variables files, kept apart by how far they are trusted."""

    plain: dict[str, str] = field(default_factory=dict)
    """Under `[variables]`: used unless a tree declares the variable secret."""
    secret: dict[str, str] = field(default_factory=dict)
    """Under `[secrets]` of a private file: used as secrets, never recorded."""
    warnings: list[str] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)

    def update(self, other: VarValues) -> None:
        """Take `other`'s values over these (a later file wins)."""
        for name, value in other.plain.items():
            self.secret.pop(name, None)
            self.plain[name] = value
        for name, value in other.secret.items():
            self.plain.pop(name, None)
            self.secret[name] = value
        self.warnings += other.warnings
        self.sources += other.sources


def default_var_file() -> Path:
    """`variables.toml` in the per-user config directory (`DECTREE_VAR_FILE` overrides it)."""
    override = os.environ.get("DECTREE_VAR_FILE")
    if override is not None:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path("dectree", appauthor=False) / VARIABLES_FILE


def read_var_file(path: Path, *, required: bool = True) -> VarValues:
    """The values of one file; a missing optional file gives none. Raises `VarFileError`."""
    try:
        raw = read_regular(path, MAX_BYTES)  # a FIFO or /dev/zero would hang a plain read
        mode = path.stat().st_mode
    except FileNotFoundError:
        if required:
            raise VarFileError(f"{path}: no such file") from None
        return VarValues()
    except OSError as exc:
        raise VarFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise VarFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise VarFileError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise VarFileError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
    values = VarValues(sources=[path])
    unknown = sorted(set(data) - {"variables", "secrets"})
    if unknown:
        raise VarFileError(
            f"{path}: unknown table or key {unknown[0]!r} (expected [variables] and [secrets])"
        )
    values.plain = _table(path, data, "variables")
    secrets = _table(path, data, "secrets")
    if secrets and mode & (stat.S_IRWXG | stat.S_IRWXO):
        values.warnings.append(
            f"{path}: [secrets] ignored: other users can read the file (chmod 600 {path})"
        )
    else:
        values.secret = secrets
    return values


def _table(path: Path, data: dict[str, object], name: str) -> dict[str, str]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise VarFileError(f"{path}: {name!r} must be a table: [{name}]")
    out: dict[str, str] = {}
    for key, value in table.items():
        if not _NAME.match(key):
            raise VarFileError(
                f"{path}: [{name}] {key!r}: a variable name is lowercase letters, digits and '_'"
            )
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise VarFileError(f"{path}: [{name}] {key}: expected a string, got {value!r}")
        out[key] = str(value)
    return out


def load_var_files(extra: list[str], *, use_default: bool = True) -> VarValues:
    """The defaults file (if there is one), then each of `extra` in order."""
    values = VarValues()
    if use_default:
        values.update(read_var_file(default_var_file(), required=False))
    for name in extra:
        values.update(read_var_file(Path(name)))
    return values
