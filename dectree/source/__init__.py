"""Reading tree files: bytes to positioned data, and the problems found on the way.

Owns: `reader.read` (size and encoding checks, then the fast reader or libyaml),
`blockyaml` (the fast reader for plain block-style files), `yamlsource` (libyaml
events to positioned data, `locate`), `problems` (the `Problem` record and the
diagnostic code table). Every key and value keeps its 1-based line and column.
Invariants: safe loading only (no tag ever constructs an object); nothing here
raises anything but `SourceError` for any input.
May import: `dectree.text`. Never pydantic, networkx or textual.
"""

from __future__ import annotations
