"""The walk's options without any screen: what a screen can do, a test can do."""

from __future__ import annotations

import pytest

from dectree.app.options import options
from dectree.engine.events import SessionOutcome
from dectree.engine.session import Session, SessionState
from dectree.model.catalog import Catalog
from tests.tui.conftest import frozen_clock


def session_at(catalog: Catalog, tree: str, node: str | None = None) -> Session:
    session = Session(catalog, clock=frozen_clock)
    session.start(tree, node)
    return session


def labels(session: Session) -> list[str]:
    return [o.label for o in options(session)]


def test_question_options_are_its_choices(catalog: Catalog) -> None:
    session = session_at(catalog, "net")
    opts = options(session)
    assert [o.label for o in opts] == [
        "Yes, it resolves",
        "No, NXDOMAIN",
        "It resolves but connections to the database fail",
    ]
    assert opts[2].hint == "opens Database connections"
    assert opts[0].pick(session) is None
    assert session.current.node_id == "listening"


def test_action_proceeds(catalog: Catalog) -> None:
    session = session_at(catalog, "net", "restart")
    assert labels(session) == ["Done: continue"]
    options(session)[0].pick(session)
    assert session.current.node_id == "after-restart"


@pytest.mark.parametrize(
    ("tree", "node", "outcome"),
    [
        ("net", "after-restart", SessionOutcome.resolved),
        ("net", "fix-dns", SessionOutcome.workaround),
        ("net", "packets", SessionOutcome.escalated),
    ],
)
def test_conclusion_fixed_finishes(
    catalog: Catalog, tree: str, node: str, outcome: SessionOutcome
) -> None:
    session = session_at(catalog, tree, node)
    options(session)[0].pick(session)
    assert session.outcome is outcome
    assert [o.app_action for o in options(session)] == ["home", "quit"]


def test_escalate_conclusion_labels_name_the_level(catalog: Catalog) -> None:
    session = session_at(catalog, "net", "packets")
    assert labels(session)[0] == "Escalated to L2: end the walk"


def test_not_fixed_follows_if_not_fixed(catalog: Catalog) -> None:
    session = session_at(catalog, "net", "after-restart")
    options(session)[1].pick(session)
    assert session.current.node_id == "to-l2"
    assert labels(session) == ["Escalated to L2: end the walk"]
    options(session)[0].pick(session)
    assert session.outcome is SessionOutcome.escalated


def test_not_fixed_without_next_offers_contacts(catalog: Catalog) -> None:
    session = session_at(catalog, "db", "pool")
    options(session)[1].pick(session)
    assert session.state is SessionState.awaiting_escalation
    assert labels(session) == [
        "Escalate to L3: Database engineering",
        "End the walk without escalating",
    ]
    options(session)[0].pick(session)
    assert session.outcome is SessionOutcome.escalated


def test_finished_offers_home_and_quit(catalog: Catalog) -> None:
    session = session_at(catalog, "net", "fix-dns")
    options(session)[0].pick(session)
    opts = options(session)
    assert [o.pick(session) for o in opts] == ["home", "quit"]
