"""Rendering trees as documents: Markdown runbooks, Mermaid flowcharts, Graphviz DOT.

Every renderer is a pure function `(tree, problems) -> str` with no clock, host
or path in its output, so a committed render can be compared byte for byte
with a fresh one. Pass a `LoadedTree` and the validator's problems to have
unreachable nodes, dead ends and broken references drawn highlighted as the
validator found them; pass a bare `Tree` and they are worked out from the tree.

Invariant: pure functions of their input; tree text is escaped for each format.
May import: `check`, `engine`, `model`, `source`, `text`; never `records` or textual.
"""

