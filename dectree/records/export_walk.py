"""The app's export key: the walk on screen as a Markdown file and on the clipboard.

The export reads the session's journal when a `Recorder` records it (the
record of truth, with resumes and all); without one it builds the same
`Journal` in memory from the live session. The file goes to the recorder's
sessions directory (`exports/` beside the journals) unless the engineer names
another file, named after the session, and is replaced when the same session is
exported again. No Textual here: the app shows `ExportResult.message`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dectree import __version__
from dectree.engine.events import Answered, FixConfirmed, Proceeded, SessionStarted
from dectree.engine.session import Session
from dectree.model.tree import split_ref
from dectree.records.attempts import with_attempts
from dectree.records.export import render_markdown, write_atomic
from dectree.records.journal_format import JournalHeader, node_record, tree_hash, tree_record
from dectree.records.paths import SessionNotFound, find_session
from dectree.records.reader import Journal, JournalError, read_journal
from dectree.records.transcribe import build_transcript
from dectree.records.writer import Recorder, host_name, login_name


@dataclass(frozen=True)
class ExportResult:
    """What the export did, for the app to say."""

    ok: bool
    message: str
    path: Path | None = None
    markdown: str = ""


def journal_from_session(
    session: Session,
    *,
    engineer: str | None = None,
    host: str | None = None,
    incident: str | None = None,
) -> Journal:
    """The journal a recorder would have written for `session`, built in memory."""
    started = next((e for e in session.events if isinstance(e, SessionStarted)), None)
    if started is None:
        raise ValueError("the session has not started")
    tree = session.trees[started.tree_id]
    header = JournalHeader(
        session_id=started.session_id,
        tree_id=tree.id,
        tree_version=tree.version,
        tree_hash=tree_hash(tree),
        engineer=engineer or login_name(),
        host=host or host_name(),
        incident=incident,
        started_at=started.at,
        dectree_version=__version__,
    )
    journal = Journal(Path(f"{session.id}.jsonl"), header, events=list(session.events))
    for tree_id, node_id in _shown(session):
        known = session.trees.get(tree_id)
        node = known.nodes.get(node_id) if known else None
        if known is None or node is None:
            continue
        if tree_id not in journal.trees:
            journal.trees[tree_id] = tree_record(known)
        record = node_record(tree_id, node_id, node)
        journal.nodes.setdefault(record.ref, record)
    return journal


def _shown(session: Session) -> list[tuple[str, str]]:
    """Every (tree, node) the session showed, in order."""
    refs: list[tuple[str, str]] = []
    for event in session.events:
        if isinstance(event, SessionStarted):
            refs.append((event.tree_id, event.node_id))
        elif isinstance(event, (Answered, Proceeded, FixConfirmed)):
            refs.append((event.tree_id, event.node_id))
            if event.next_ref is not None:
                refs.append(split_ref(event.next_ref, event.tree_id))
    refs += [(step.tree_id, step.node_id) for step in session.path]
    return list(dict.fromkeys(refs))


EXPORTS = "exports"


def default_export_path(session: Session, hooks: Iterable[object]) -> Path | None:
    """Where `export_walk` writes the session by default; None when it is not recorded."""
    recorder = next((hook for hook in hooks if isinstance(hook, Recorder)), None)
    return None if recorder is None else recorder.directory / EXPORTS / export_name(session)


def export_name(session: Session) -> str:
    """`dectree-20260301-1200-5e551000.md`: when the walk started, and its session."""
    started = next((e for e in session.events if isinstance(e, SessionStarted)), None)
    at = started.at if started is not None else session.path[0].entered_at
    return f"dectree-{at:%Y%m%d-%H%M}-{session.id[:8]}.md"


def export_walk(
    session: Session,
    hooks: Iterable[object],
    *,
    incident: str | None = None,
    target: Path | None = None,
) -> ExportResult:
    """The session as Markdown, written to `target` (default: `default_export_path`).

    Only a recorded walk (a `Recorder` among `hooks`) is written to a file unless
    `target` names one; without either (tests, embedding) the Markdown is
    returned for the clipboard and nothing is written. `incident`, when given,
    is the incident id the transcript names (the app's latest, which may have
    been set after the walk ended).
    """
    recorder = next((hook for hook in hooks if isinstance(hook, Recorder)), None)
    recording = recorder.journal_for(session) if recorder is not None else None
    journal_path = recording.path if recording is not None and not recording.error else None
    if recorder is not None and journal_path is None and recording is None:
        # A session reopened finished is shown, not recorded: its journal is still on disk.
        with contextlib.suppress(SessionNotFound):
            journal_path = find_session(recorder.directory, session.id)
    try:
        if journal_path is not None:
            journal = read_journal(journal_path)
        else:
            journal = journal_from_session(session, incident=incident)
    except (JournalError, ValueError) as exc:
        return ExportResult(False, f"Nothing exported: {exc}")
    transcript = build_transcript(journal)
    if incident and transcript.incident != incident:
        transcript = transcript.model_copy(update={"incident": incident})
    if recorder is not None:
        transcript = with_attempts(recorder.directory, transcript)
    markdown = render_markdown(transcript)
    path = target.expanduser() if target is not None else default_export_path(session, hooks)
    if path is None:
        return ExportResult(
            True,
            "Copied the walk as Markdown to the clipboard (no file: not recording)",
            None,
            markdown,
        )
    if path.is_dir():
        path = path / export_name(session)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # beside private journals
        write_atomic(path, markdown, force=True)
    except OSError as exc:
        return ExportResult(False, f"Could not write {path}: {exc.strerror or exc}")
    return ExportResult(
        True, f"Exported to {path} (Markdown, also copied to the clipboard)", path, markdown
    )
