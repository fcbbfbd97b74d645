"""Reading a session journal checked line by line against the models, for resume and export.

`read_journal` splits the file (`dectree.records.jsonlines.read_lines`, which
tolerates a torn last line), checks every line against the models
(`dectree.records.journal_format`, `dectree.engine.events`) and applies `resumed` records.
A line that fails (not JSON, wrong types, out of order) is skipped and kept in
`damaged` as `(line, why)`; every good line is kept, so a damaged session is still
listed, exported and resumed. Only a journal without a readable header raises
`JournalError` (`path:line: message`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dectree.engine.events import Event, Finished, SessionOutcome, event_from_dict
from dectree.records.journal_format import (
    JOURNAL_FORMAT,
    JournalHeader,
    NodeRecord,
    ResumedRecord,
    TreeRecord,
)
from dectree.records.jsonlines import JournalError, RawJournal, read_lines
from dectree.text.plain import clean

RECORD_TYPES = ("header", "tree", "node", "resumed")
__all__ = ["Journal", "JournalError", "RawJournal", "read_journal", "read_lines"]


@dataclass
class Journal:
    """A journal checked line by line: header, live events, and what was shown."""

    path: Path
    header: JournalHeader
    events: list[Event] = field(default_factory=list)
    discarded: list[Event] = field(default_factory=list)
    trees: dict[str, TreeRecord] = field(default_factory=dict)
    nodes: dict[str, NodeRecord] = field(default_factory=dict)
    resumes: list[ResumedRecord] = field(default_factory=list)
    torn_line: int | None = None
    clean_size: int = 0
    ends_with_newline: bool = True
    damaged: list[tuple[int, str]] = field(default_factory=list)

    @property
    def session_id(self) -> str:
        """The session's id."""
        return self.header.session_id

    @property
    def finish(self) -> Finished | None:
        """The `finished` event, once the session ended."""
        last = self.events[-1] if self.events else None
        return last if isinstance(last, Finished) else None

    @property
    def outcome(self) -> SessionOutcome | None:
        """How the session ended; None while it is in progress."""
        finish = self.finish
        return None if finish is None else finish.outcome

    @property
    def last_at(self) -> dt.datetime:
        """When the last live event happened (the start if none did)."""
        return self.events[-1].at if self.events else self.header.started_at

    def warnings(self) -> list[str]:
        """`path:line: warning: ...` for every damaged line and a torn last line."""
        out = [
            clean(f"{self.path}:{line}: warning: {why}; line skipped, the rest kept")
            for line, why in self.damaged
        ]
        if self.torn_line is not None:
            out.append(
                clean(
                    f"{self.path}:{self.torn_line}: warning: incomplete last line "
                    "(the session was interrupted mid-write); ignored"
                )
            )
        return out

    def warning(self) -> str | None:
        """Every warning on its own line, or None when the journal is whole."""
        return "\n".join(self.warnings()) or None


def _model(path: Path, number: int, model: type[Any], obj: dict[str, Any]) -> Any:
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        raise JournalError(path, number, _first_error(exc)) from None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")  # pydantic's wording for our ValueError
    return f"{where}: {message}" if where else message


def read_journal(path: Path) -> Journal:
    """Read and check a journal; raises `JournalError` only if its header is unreadable."""
    raw = read_lines(path)
    number, first = raw.lines[0]
    if number != 1 or first.get("type") != "header":
        raise JournalError(path, 1, "the first line is not a journal header")
    if isinstance(first.get("format"), int) and first["format"] > JOURNAL_FORMAT:
        raise JournalError(
            path, number, f"journal format {first['format']} is newer than this dectree reads"
        )
    journal = Journal(
        path,
        _model(path, number, JournalHeader, first),
        torn_line=raw.torn_line,
        clean_size=raw.clean_size,
        ends_with_newline=raw.ends_with_newline,
        damaged=list(raw.bad_lines),
    )
    last_seq = 0
    for number, obj in raw.lines[1:]:
        try:
            last_seq = _apply_line(journal, path, number, obj, last_seq)
        except JournalError as exc:
            journal.damaged.append((number, exc.message))
    journal.damaged.sort()
    return journal


def _apply_line(journal: Journal, path: Path, number: int, obj: dict[str, Any], last_seq: int) -> int:
    """Check one line after the header and add it to `journal`; the last event seq after it."""
    kind = obj.get("type")
    if kind == "tree":
        tree: TreeRecord = _model(path, number, TreeRecord, obj)
        journal.trees.setdefault(tree.tree_id, tree)
    elif kind == "node":
        node: NodeRecord = _model(path, number, NodeRecord, obj)
        journal.nodes.setdefault(node.ref, node)
    elif kind == "resumed":
        resumed: ResumedRecord = _model(path, number, ResumedRecord, obj)
        journal.resumes.append(resumed)
        journal.discarded += [e for e in journal.events if e.seq > resumed.keep_through]
        journal.events = [e for e in journal.events if e.seq <= resumed.keep_through]
        last_seq = min(last_seq, resumed.keep_through)
    elif kind in RECORD_TYPES:
        raise JournalError(path, number, f"a second '{kind}' line")
    else:
        try:
            event = event_from_dict(obj)
        except ValidationError as exc:
            raise JournalError(path, number, _first_error(exc)) from None
        if event.seq <= last_seq:
            raise JournalError(path, number, f"event {event.seq} is out of order")
        last_seq = event.seq
        journal.events.append(event)
    return last_seq
