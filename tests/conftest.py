"""Shared test helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
