"""Helpers shared by the records tests: fixture trees, a ticking clock, a recorded walk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from dectree.engine.session import Session
from dectree.model.catalog import Catalog, load_catalog
from dectree.records.writer import Recorder, SessionJournal

TREES = Path(__file__).parent / "fixtures" / "records"
T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def records_catalog() -> Catalog:
    """The `net` and `db` fixture trees."""
    catalog = load_catalog([str(TREES)])
    assert not catalog.problems, catalog.problems
    return catalog


def ticking(start: dt.datetime = T0, step: int = 10) -> Callable[[], dt.datetime]:
    """A clock that moves `step` seconds on every reading."""
    ticks = iter(range(0, 10**7, step))
    return lambda: start + dt.timedelta(seconds=next(ticks))


def recorder(directory: Path, **kwargs: object) -> Recorder:
    """A recorder with a fixed engineer and host, so outputs are stable."""
    options: dict[str, object] = {"engineer": "alice", "host": "ops-box", "incident": "INC-42"}
    options.update(kwargs)
    return Recorder(directory, **options)  # type: ignore[arg-type]


def recorded_session(
    directory: Path,
    catalog: Catalog,
    *,
    session_id: str = "5e55100000000000000000000000abcd",
    clock: Callable[[], dt.datetime] | None = None,
    **kwargs: object,
) -> tuple[Session, SessionJournal]:
    """A new session over `catalog`, journaled in `directory`."""
    session = Session(catalog, clock=clock or ticking(), session_id=session_id)
    journal = recorder(directory, **kwargs)(session)
    return session, journal


def walk_to_escalation(session: Session) -> None:
    """The walk the golden files record: a detour, a note, a copy, back, a fix that fails."""
    session.start("net")
    session.set_variable("host", "web-01")
    session.choose("No")
    session.note("NIC | was `down`\nafter the kernel update")
    session.proceed()
    session.choose(0)
    session.copy_command(0)
    session.choose("Open")
    session.back()
    session.set_variable("token", "s3cr3t-t0ken")
    session.copy_command(1)
    session.choose("Closed")
    session.note("rule 42 | `iptables -L` shows DROP")
    session.confirm_fixed(False)
    session.proceed()
