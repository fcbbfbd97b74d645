"""Whether checks may be run from dectree: `--no-run`, or `run_checks = false` in the user config.

The user config is TOML at `$DECTREE_CONFIG`, else `config.toml` in the user
config directory (`~/.config/dectree/` on Linux). Only `run_checks` is read
from it today; a file that is not valid TOML, or a `run_checks` that is not
true or false, is an error with the file's name (exit 2), never ignored.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dectree.source.files import read_regular

MAX_BYTES = 1 << 20  # the config is a few lines; a larger file is a mistake


class ConfigError(Exception):
    """The user config cannot be read or says something dectree does not understand."""


def add_run_policy(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-run",
        action="store_true",
        help="never run checks from dectree (copy them instead); "
        "'run_checks = false' in the user config does the same",
    )


def config_path() -> Path:
    """Where the user config is read from."""
    explicit = os.environ.get("DECTREE_CONFIG")
    if explicit:
        return Path(explicit)
    from platformdirs import user_config_path

    return user_config_path("dectree") / "config.toml"


def run_disabled(args: argparse.Namespace) -> str | None:
    """Why running checks is off, or None when it is allowed. `ConfigError` on a bad config."""
    if getattr(args, "no_run", False):
        return "--no-run"
    path = config_path()
    try:
        raw = read_regular(path, MAX_BYTES)  # a FIFO or /dev/zero would hang a plain read
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
    value = data.get("run_checks", True)
    if not isinstance(value, bool):
        raise ConfigError(f"{path}: run_checks must be true or false, not {value!r}")
    return None if value else f"run_checks = false in {path}"
