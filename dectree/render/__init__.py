"""Rendering trees as documents: Markdown runbooks, Mermaid flowcharts, Graphviz DOT.

Every renderer is a pure function `(tree, problems) -> str` with no clock, host
or path in its output, so a committed render can be compared byte for byte
with a fresh one. Pass a `LoadedTree` and the validator's problems to have
unreachable nodes, dead ends and broken references drawn highlighted as the
validator found them; pass a bare `Tree` and they are worked out from the tree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dectree.catalog import LoadedTree
from dectree.model import Tree
from dectree.problems import Problem
from dectree.render.dot import render_dot
from dectree.render.markdown import render_markdown, runbook_filename
from dectree.render.mermaid import render_mermaid

Renderer = Callable[[LoadedTree | Tree, Sequence[Problem] | None], str]

# format name -> (renderer, file name for a tree id, used by `render --all`)
FORMATS: dict[str, tuple[Renderer, Callable[[str], str]]] = {
    "markdown": (render_markdown, runbook_filename),
    "mermaid": (render_mermaid, lambda tree_id: f"{tree_id}.mmd"),
    "dot": (render_dot, lambda tree_id: f"{tree_id}.dot"),
}


def render(source: LoadedTree | Tree, fmt: str, problems: Sequence[Problem] | None = None) -> str:
    """Render a tree in the named format (`markdown`, `mermaid` or `dot`)."""
    return FORMATS[fmt][0](source, problems)


def output_name(tree_id: str, fmt: str) -> str:
    """The file name `render --all` writes for a tree in a format."""
    return FORMATS[fmt][1](tree_id)


__all__ = ["FORMATS", "output_name", "render", "render_dot", "render_markdown",
           "render_mermaid", "runbook_filename"]
