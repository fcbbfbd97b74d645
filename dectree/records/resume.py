"""Rebuilding a recorded session to carry on with it: replay, and what changed since.

`prepare_resume` replays a journal's events against the trees as they are now
(`Session.replay`, the same checks as a live walk). If a tree's content hash
differs from the one recorded, it says so; if the recorded path no longer fits,
the session stops at the last step that does and `notice` points at the first
step that no longer exists. No Textual here: `dectree resume` prints the notice
and the app shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from dectree.engine.events import VariableSet
from dectree.engine.session import Replay, Session, SessionState, TreeSource, tree_map
from dectree.records.journal_format import tree_hash
from dectree.records.reader import Journal
from dectree.records.transcribe import build_transcript

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class TreeChange:
    """A tree of the session that is not what it was when recorded."""

    tree_id: str
    recorded_version: str
    current_version: str | None  # None: the tree is gone

    def __str__(self) -> str:
        if self.current_version is None:
            return (
                f"the tree '{self.tree_id}' (version {self.recorded_version}) is not found any more"
            )
        if self.current_version == self.recorded_version:
            return (
                f"the tree '{self.tree_id}' changed since this session "
                f"(still version {self.recorded_version}, but its content differs)"
            )
        return (
            f"the tree '{self.tree_id}' changed since this session "
            f"(version {self.recorded_version} then, {self.current_version} now)"
        )


@dataclass
class Resumed:
    """A journal replayed against today's trees."""

    journal: Journal
    replay: Replay
    changes: list[TreeChange] = field(default_factory=list)
    recorded_steps: int = 0
    secrets: list[str] = field(default_factory=list)

    @property
    def session(self) -> Session:
        """The rebuilt session."""
        return self.replay.session

    @property
    def can_open(self) -> bool:
        """Whether there is a walk to show (at least the first step replayed)."""
        return self.session.state is not SessionState.not_started

    @property
    def voided(self) -> bool:
        """Whether recorded events could not be replayed (and will be voided)."""
        return self.replay.divergence is not None

    def notice(self) -> str | None:
        """What the engineer must know before carrying on, or None if nothing."""
        lines = [_sentence(str(change)) for change in self.changes]
        divergence = self.replay.divergence
        if divergence is not None:
            where = ""
            if divergence.tree_id and divergence.node_id:
                where = f" ('{divergence.tree_id}:{divergence.node_id}')"
            lines.append(
                f"The recorded path breaks at step {divergence.step + 1}{where}: "
                f"{divergence.reason}."
            )
            if self.can_open:
                step = self.session.current
                lines.append(
                    f"Replayed {len(self.session.path)} of {self.recorded_steps} recorded steps; "
                    f"the walk resumes at step {self.session.step_index + 1} ('{step.ref}'). "
                    "The later recorded steps stay in the journal, marked void."
                )
        elif self.changes:
            lines.append("Every recorded step still exists: the walk resumes where it stood.")
        if self.secrets:
            names = ", ".join(self.secrets)
            lines.append(f"Secret variables are never recorded: set {names} again (v).")
        if self.journal.torn_line is not None:
            lines.append("The journal's last line was cut off by the crash; it was dropped.")
        return "\n".join(lines) or None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def prepare_resume(journal: Journal, source: TreeSource, *, clock: Clock | None = None) -> Resumed:
    """Replay `journal` against the trees of `source`."""
    trees = tree_map(source)
    recorded = {journal.header.tree_id: (journal.header.tree_version, journal.header.tree_hash)}
    for record in journal.trees.values():
        recorded.setdefault(record.tree_id, (record.version, record.hash))
    changes = []
    for tree_id, (version, digest) in recorded.items():
        tree = trees.get(tree_id)
        if tree is None:
            changes.append(TreeChange(tree_id, version, None))
        elif tree_hash(tree) != digest:
            changes.append(TreeChange(tree_id, version, tree.version))
    replay = Session.replay(journal.events, trees, clock=clock)
    secrets = sorted({e.name for e in journal.events if isinstance(e, VariableSet) and e.secret})
    return Resumed(
        journal,
        replay,
        changes,
        recorded_steps=len(build_transcript(journal).steps),
        secrets=secrets,
    )
