"""Shared test helpers, and an environment that does not change what tests see."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Variables that change how Rich and Textual draw (colour, size, driver, theme).
# A developer's NO_COLOR=1 or COLUMNS=60 must not fail snapshot or output tests:
# they are removed here, before anything imports textual (whose constants are read
# at import), and again around every test.
DRAWING_ENV = (
    "NO_COLOR",
    "FORCE_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "COLORTERM",
    "COLUMNS",
    "LINES",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "TEXTUAL_COLOR_SYSTEM",
    "TEXTUAL_ANIMATIONS",
    "TEXTUAL_THEME",
    "TEXTUAL_DIM_FACTOR",
    "TEXTUAL_FILTERS",
    "TEXTUAL_DRIVER",
    "TEXTUAL_FPS",
    "TEXTUAL_SMOOTH_SCROLL",
    "TEXTUAL_DEBUG",
)


def drawing_variables(environ: dict[str, str] | os._Environ[str]) -> list[str]:
    """The names in `environ` that would change how the app or a command draws."""
    return [n for n in environ if n in DRAWING_ENV]


for _name in drawing_variables(os.environ):
    del os.environ[_name]


@pytest.fixture(autouse=True)
def _plain_drawing_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No colour or size variable reaches a test, whatever the developer's shell sets."""
    for name in drawing_variables(os.environ):
        monkeypatch.delenv(name)


@pytest.fixture
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(autouse=True)
def _isolated_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests never write the validate cache or sessions into the repository or the home directory."""
    state = tmp_path_factory.mktemp("dectree-state")
    monkeypatch.setenv("DECTREE_CACHE_DIR", str(state / "cache"))
    monkeypatch.setenv("DECTREE_HOME", str(state / "home"))
    # The per-user variables file: none, unless a test writes one here.
    monkeypatch.setenv("DECTREE_VAR_FILE", str(state / "variables.toml"))
    monkeypatch.setenv("DECTREE_CONFIG", str(state / "config.toml"))  # none: running allowed
