"""Recorded sessions: journals written and read, transcripts, exports, resume, statistics.

Owns: `writer` (the `Recorder` and the append-only, fsynced, locked journal
file), `jsonlines` (splitting a journal into JSON objects fast, no pydantic),
`reader` (a journal checked against the models), `journal_format` (the
header, tree and node lines), `transcript` (the transcript models),
`transcribe` (journal to transcript, from the journal alone), `treehash`
(a header's tree hash, kept in the tree cache per file content), `export`
(Markdown and JSON, written atomically), `export_walk` (the app's export key),
`resume` (replay and what changed since), `stats` (operations figures),
`paths` (where journals live, finding one).
Invariants: every event is on disk before the screen moves on; secret values
never reach a file; a bad journal is `path:line: message`, never a traceback.
May import: `dectree.engine`, `dectree.model`, `dectree.source`, `dectree.text`.
"""

from __future__ import annotations
