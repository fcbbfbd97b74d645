"""The output formats of `dectree render`: name -> renderer and file name."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dectree.model.catalog import LoadedTree
from dectree.model.tree import Tree
from dectree.render.dot import render_dot
from dectree.render.markdown import render_markdown, runbook_filename
from dectree.render.mermaid import render_mermaid
from dectree.source.problems import Problem

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
