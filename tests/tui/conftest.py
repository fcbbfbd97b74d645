"""Fixtures for the app's Pilot and snapshot tests.

Every test runs with the cursor blink off and a frozen clock, so snapshots do
not depend on timing, and uses the small trees in `fixtures/` (one of them full
of hostile markup), never the real trees.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dectree.app.app import DectreeApp, build_app
from dectree.engine.events import Event
from dectree.engine.session import Session
from dectree.model.catalog import Catalog, load_catalog

FIXTURES = Path(__file__).parent / "fixtures"
NOW = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.timezone.utc)
TODAY = NOW.date()


def frozen_clock() -> dt.datetime:
    """The time every test runs at."""
    return NOW


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (no asyncio plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text fields do not blink: snapshots stay identical from run to run."""
    monkeypatch.setattr(DectreeApp, "CURSOR_BLINK", False)


@pytest.fixture(autouse=True)
def no_dectree_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extra tree directories from the environment never leak into tests."""
    monkeypatch.delenv("DECTREE_PATH", raising=False)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The fixture trees: net, db (review overdue) and hostile."""
    loaded = load_catalog([str(FIXTURES)])
    assert not loaded.problems, loaded.problems
    return loaded


class Recorder:
    """Collects every event of every session the app starts."""

    def __init__(self) -> None:
        self.sessions: list[Session] = []
        self.events: list[Event] = []

    def __call__(self, session: Session) -> None:
        self.sessions.append(session)
        session.subscribe(self.events.append)


@pytest.fixture
def recorder() -> Recorder:
    """An `attach` hook that records sessions and events."""
    return Recorder()


@pytest.fixture
def make_app(catalog: Catalog, recorder: Recorder) -> Callable[..., DectreeApp]:
    """`make_app(tree=..., at=..., ...)`: the real app over the fixture trees, time frozen."""

    def make(**kwargs: Any) -> DectreeApp:
        kwargs.setdefault("clock", frozen_clock)
        kwargs.setdefault("today", TODAY)
        kwargs.setdefault("attach", [recorder])
        return build_app(catalog, **kwargs)

    return make
