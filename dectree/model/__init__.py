"""The tree format: pydantic models, finding tree files, loading them into a catalog.

Owns: `tree` (the pydantic models, single description of a tree: JSON Schema,
docs and validation come from them), `discovery` (which files to load),
`catalog` (files to validated models with positions, problems mapped back to
YAML positions), `formatdoc` (the generated half of docs/tree-format.md),
`scaffold` (the skeleton `dectree new` writes), `treecache` (loaded trees per
file content), `listing` (what the home screen lists, kept beside the cache).
May import: `dectree.source`, `dectree.text`.
"""

from __future__ import annotations
