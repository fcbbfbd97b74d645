"""The reference half of docs/tree-format.md, generated from the models and the code table.

`python -m dectree.model.formatdoc` rewrites the generated block of the document;
a test fails when the committed document is out of date.
"""

from __future__ import annotations

import sys
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from dectree.model import tree as model
from dectree.source.problems import CODES

BEGIN = "<!-- BEGIN GENERATED: python -m dectree.model.formatdoc -->"
END = "<!-- END GENERATED -->"
MODELS: list[type[BaseModel]] = [
    model.Tree,
    model.Contact,
    model.Review,
    model.ChangelogEntry,
    model.Variable,
    model.Reference,
    model.Question,
    model.Action,
    model.Conclusion,
    model.Escalation,
    model.Command,
    model.Choice,
    model.Rule,
    model.Step,
    model.Scenario,
    model.ScenarioAnswer,
]


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(names)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping of {_type_name(args[0])} to {_type_name(args[1])}"
    if origin is typing.Literal:
        return " or ".join(f"`{a}`" for a in args)
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
        if issubclass(annotation, Enum):
            return " or ".join(f"`{m.value}`" for m in annotation)
        return {
            "str": "text",
            "bool": "true/false",
            "date": "date (YYYY-MM-DD)",
            "int": "integer",
        }.get(annotation.__name__, annotation.__name__)
    return str(annotation)


def reference() -> str:
    """Markdown tables: every model's fields, then every diagnostic code."""
    out = [BEGIN, ""]
    for cls in MODELS:
        out += [
            f"### {cls.__name__}",
            "",
            (cls.__doc__ or "").strip(),
            "",
            "| key | type | required | description |",
            "| --- | --- | --- | --- |",
        ]
        for name, info in cls.model_fields.items():
            required = "yes" if info.is_required() else "no"
            desc = (info.description or "").replace("|", "\\|")
            out.append(f"| `{name}` | {_type_name(info.annotation)} | {required} | {desc} |")
        out.append("")
    out += ["## Diagnostic codes", "", "| code | level | meaning |", "| --- | --- | --- |"]
    out += [f"| {code} | {level.value} | {summary} |" for code, (level, summary) in CODES.items()]
    out += ["", END]
    return "\n".join(out)


def render(document: str) -> str:
    """The document with its generated block replaced."""
    head, _, rest = document.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + reference() + tail


def main() -> int:
    path = Path(__file__).resolve().parents[2] / "docs" / "tree-format.md"
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
