"""Documents generated from the models stay current, and their example validates."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from dectree.check.validate import validate_catalog
from dectree.commands.schema import tree_schema
from dectree.model import formatdoc
from dectree.model.catalog import load_catalog

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_format_reference_is_current() -> None:
    text = (DOCS / "tree-format.md").read_text(encoding="utf-8")
    assert formatdoc.render(text) == text, "run: python -m dectree.model.formatdoc"


def test_committed_schema_is_current() -> None:
    committed = json.loads((DOCS / "tree.schema.json").read_text(encoding="utf-8"))
    assert committed == tree_schema(), "run: dectree schema > docs/tree.schema.json"


def test_example_in_the_format_doc_is_a_clean_tree(tmp_path: Path) -> None:
    text = (DOCS / "tree-format.md").read_text(encoding="utf-8")
    example = re.search(r"## A complete small tree\n\n```yaml\n(.*?)```", text, re.S)
    assert example
    path = tmp_path / "example.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    assert validate_catalog(load_catalog([str(path)]), today=dt.date(2026, 11, 26)) == []
