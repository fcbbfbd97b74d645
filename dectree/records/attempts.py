"""Other walks for the same incident: the tries before this one, found in the sessions directory.

An engineer who abandons a walk and starts again for the same incident leaves
two journals; the transcript of either names the other, so the ticket shows
every try. Journals are read with the fast summaries of `dectree.records.stats`
(no pydantic per event); a damaged journal is skipped, never fatal.
"""

from __future__ import annotations

from pathlib import Path

from dectree.records.paths import journal_files
from dectree.records.stats import collect
from dectree.records.transcript import Transcript, TranscriptAttempt


def same_incident(directory: Path, transcript: Transcript) -> list[TranscriptAttempt]:
    """Walks in `directory` for `transcript`'s incident, other than itself, oldest first."""
    if not transcript.incident:
        return []
    summaries, _errors = collect(journal_files(directory))
    out = []
    for s in sorted(summaries, key=lambda s: s.started_at):
        if s.session_id == transcript.session_id or s.incident != transcript.incident:
            continue
        out.append(
            TranscriptAttempt(
                session_id=s.session_id,
                tree_id=s.tree_id,
                tree_title=s.tree_titles.get(s.tree_id),
                started_at=s.started_at,
                ended_at=s.ended_at,
                outcome=s.outcome,
                stood_at=s.titles.get(s.end_ref or "", s.end_ref),
            )
        )
    return out


def with_attempts(directory: Path, transcript: Transcript) -> Transcript:
    """`transcript` with its `attempts` filled in from `directory`."""
    attempts = same_incident(directory, transcript)
    return transcript.model_copy(update={"attempts": attempts}) if attempts else transcript
