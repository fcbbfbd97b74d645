"""The walk engine, UI-free: events, the walk reducer, sessions, filling placeholders, search.

Owns: `events` (every change of state is one pydantic event), `walk` (the
reducer: applying an event), `session` (a troubleshooting session over the
catalog, replay), `fill` (placeholders filled and shell-quoted), `search`
(symptom search over every node).
Invariants: a `Session` changes state only by applying events; secrets are
filled in commands but never written into an event; nothing here writes to
disk or imports textual.
May import: `dectree.model`, `dectree.source`, `dectree.text`.
"""

from __future__ import annotations
