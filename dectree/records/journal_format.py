"""The lines of a session journal besides engine events: header, tree, node, resumed.

A journal (`dectree.records.writer`) is JSON Lines. Line 1 is a `JournalHeader`.
Every other line is either an engine event (`dectree.engine.events`, told apart by
its `seq`) or one of the records below, which keep what the engineer was
shown, so a journal is evidence on its own even after the trees change:

- `TreeRecord`: a tree the walk entered (title, version, content hash, contacts);
- `NodeRecord`: a node the walk showed (its kind, title, text and commands);
- `ResumedRecord`: the session was reopened by `dectree resume`; events recorded
  after `keep_through` were voided because the trees no longer allowed them.

Secret variable values appear nowhere: events carry none, and node records
carry command templates (`{name}`), never filled values.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dectree.engine.events import Moment
from dectree.engine.walk import node_prompt
from dectree.model.tree import AnyNode, Conclusion, Escalation, Tree, node_commands

JOURNAL_FORMAT = 1


class Record(BaseModel):
    """Fields and settings shared by journal records."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class JournalHeader(Record):
    """Line 1 of a journal: who walked which tree, where and when."""

    type: Literal["header"] = "header"
    format: int = Field(default=JOURNAL_FORMAT, description="Journal format version.")
    session_id: str
    tree_id: str = Field(description="The tree the walk started in.")
    tree_version: str
    tree_hash: str = Field(description="`sha256:` content hash of the tree (see `tree_hash`).")
    engineer: str
    host: str
    incident: str | None = None
    started_at: Moment
    dectree_version: str


class ContactRecord(Record):
    """An escalation contact as the tree named it."""

    team: str
    channel: str
    response_target: str | None = None
    when: str | None = Field(default=None, description="When to hand over to this level.")


class TreeRecord(Record):
    """A tree the walk entered, as it was at that moment."""

    type: Literal["tree"] = "tree"
    tree_id: str
    title: str
    version: str
    hash: str
    escalation: dict[str, ContactRecord] = Field(default_factory=dict)
    defaults: dict[str, str] = Field(
        default_factory=dict, description="Declared default values of non-secret variables."
    )
    secrets: list[str] = Field(default_factory=list, description="Variables declared secret.")


class ResolutionRecord(Record):
    """One step of a conclusion's resolution."""

    do: str
    run: str | None = None


class NodeRecord(Record):
    """A node the walk showed, as it was shown (templates, not filled values)."""

    type: Literal["node"] = "node"
    tree_id: str
    node_id: str
    kind: Literal["question", "action", "conclusion", "escalation"]
    title: str | None = None
    text: str = Field(description="The main text: prompt, root cause or escalation reason.")
    commands: list[str] = Field(default_factory=list, description="Command templates.")
    outcome: str | None = Field(default=None, description="A conclusion's outcome.")
    level: str | None = Field(default=None, description="Escalation level, where there is one.")
    resolution: list[ResolutionRecord] = Field(default_factory=list)
    attach: list[str] = Field(
        default_factory=list, description="An escalation's list of what to attach."
    )

    @property
    def ref(self) -> str:
        """`tree:node`."""
        return f"{self.tree_id}:{self.node_id}"


class ResumedRecord(Record):
    """The session was reopened; events after `keep_through` are void."""

    type: Literal["resumed"] = "resumed"
    at: Moment
    engineer: str
    host: str
    keep_through: int = Field(description="Seq of the last event still valid.")
    reason: str | None = Field(default=None, description="Why later events were voided.")
    torn_line_dropped: bool = False


def tree_hash(tree: Tree) -> str:
    """`sha256:<hex>` of the tree's canonical JSON (key order, comments, layout do not count)."""
    canonical = json.dumps(
        _stable(tree.model_dump(mode="json")),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Keys added to the format after journals were first written, with their
# defaults: left out of the hash when at the default, so a tree that does not
# use them keeps the hash it had (and resuming an older walk sees no change).
_LATER_DEFAULTS: dict[str, object] = {
    "name": None,
    "runnable": True,
    "timeout": None,
    "when": [],
    "output": None,
    "exit": None,
    "check": None,
}


def _stable(data: object) -> object:
    if isinstance(data, dict):
        return {
            k: _stable(v)
            for k, v in data.items()
            if not (k in _LATER_DEFAULTS and v == _LATER_DEFAULTS[k])
        }
    if isinstance(data, list):
        return [_stable(v) for v in data]
    return data


def tree_record(tree: Tree, digest: str | None = None) -> TreeRecord:
    """The record of a tree entered by the walk."""
    return TreeRecord(
        tree_id=tree.id,
        title=tree.title,
        version=tree.version,
        hash=digest or tree_hash(tree),
        escalation={
            level.value: ContactRecord(
                team=c.team, channel=c.channel, response_target=c.response_target, when=c.when
            )
            for level, c in tree.escalation.items()
        },
        defaults={
            name: v.default
            for name, v in tree.variables.items()
            if v.default is not None and not v.secret
        },
        secrets=sorted(name for name, v in tree.variables.items() if v.secret),
    )


def node_record(tree_id: str, node_id: str, node: AnyNode) -> NodeRecord:
    """The record of a node shown by the walk."""
    level = node.level.value if isinstance(node, (Conclusion, Escalation)) and node.level else None
    return NodeRecord(
        tree_id=tree_id,
        node_id=node_id,
        kind=node.kind,
        title=node.title,
        text=node_prompt(node),
        commands=node_commands(node),
        outcome=node.outcome.value if isinstance(node, Conclusion) else None,
        level=level,
        resolution=(
            [ResolutionRecord(do=s.do, run=s.run) for s in node.resolution]
            if isinstance(node, Conclusion)
            else []
        ),
        attach=list(node.attach) if isinstance(node, Escalation) else [],
    )
