"""Safe YAML reading that keeps the position of every key and value.

libyaml (through PyYAML's C loader when available) composes the node graph;
this module turns it into plain Python data itself, because PyYAML's own
constructors lose positions, keep the last of duplicate keys silently, expand
aliases without bound and resolve scalars by YAML 1.1 rules (`no` -> False,
`1:30` -> 90). Scalars here follow the YAML 1.2 core schema: only
true/false are booleans, only decimal, 0o and 0x numbers are integers.

Every failure is a `SourceError` with a code from `dectree.problems` and a
1-based position; nothing here raises anything else for any input.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - wheels without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 10_000

_TAG = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
}
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


class SourceError(Exception):
    """The file could not be read as a tree document."""

    def __init__(self, code: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column


class PosDict(dict[Any, Any]):
    """A mapping that knows where each key and value stood in the file.

    `pos` holds four unsigned ints per key, in key order: key line, key
    column, value line, value column (1-based).
    """

    __slots__ = ("pos",)
    pos: array[int]

    def key_position(self, key: Any, *, of_key: bool = False) -> tuple[int, int] | None:
        """Position of `key`'s value (or of the key itself)."""
        try:
            index = list(self).index(key)
        except ValueError:
            return None
        base = index * 4 + (0 if of_key else 2)
        return self.pos[base], self.pos[base + 1]


class PosList(list[Any]):
    """A sequence that knows where each item stood: line, column per item."""

    __slots__ = ("pos",)
    pos: array[int]


@dataclass
class Document:
    """A parsed file: its data and where the data started."""

    data: PosDict
    line: int
    column: int


def _mark(mark: Any) -> tuple[int, int]:
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


def decode(raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM), or raise DT005 at the first bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = raw[: exc.start]
        line = head.count(b"\n") + 1
        column = exc.start - (head.rfind(b"\n") + 1) + 1
        raise SourceError(
            "DT005",
            f"file is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
            line,
            column,
        ) from None


class _Builder:
    """Turns a composed node graph into PosDict/PosList/scalars."""

    def __init__(self) -> None:
        self.done: dict[int, tuple[Any, int]] = {}
        self.active: set[int] = set()
        self.expanded = 0

    def build(self, node: yaml.Node, depth: int) -> tuple[Any, int]:
        """The value of `node` and how many values it holds, itself included."""
        key = id(node)
        if key in self.done:
            value, size = self.done[key]
            self.expanded += size
            if self.expanded > MAX_ALIAS_EXPANSION:
                line, column = _mark(node.start_mark)
                raise SourceError(
                    "DT003",
                    f"aliases expand to more than {MAX_ALIAS_EXPANSION} values; refusing (YAML bomb?)",
                    line,
                    column,
                )
            return value, size
        if key in self.active:
            line, column = _mark(node.start_mark)
            raise SourceError("DT003", "recursive alias: a value contains itself", line, column)
        if depth > MAX_DEPTH:
            line, column = _mark(node.start_mark)
            raise SourceError("DT008", f"nesting deeper than {MAX_DEPTH} levels", line, column)
        self.active.add(key)
        result: tuple[Any, int]
        if isinstance(node, yaml.MappingNode):
            result = self._mapping(node, depth)
        elif isinstance(node, yaml.SequenceNode):
            result = self._sequence(node, depth)
        else:
            result = (self._scalar(node), 1)
        self.active.discard(key)
        self.done[key] = result
        return result

    def _check_tag(self, node: yaml.Node, allowed: tuple[str, ...]) -> None:
        if node.tag not in allowed:
            line, column = _mark(node.start_mark)
            raise SourceError("DT009", f"unsupported YAML tag {node.tag!r}", line, column)

    def _mapping(self, node: yaml.MappingNode, depth: int) -> tuple[PosDict, int]:
        self._check_tag(node, (_TAG + "map",))
        out = PosDict()
        pos = out.pos = array("I")
        size = 1
        merged: list[tuple[PosDict, tuple[int, int]]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merged.extend(self._merge_sources(value_node, depth))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                line, column = _mark(key_node.start_mark)
                raise SourceError("DT009", "mapping keys must be plain scalars", line, column)
            key = self._scalar(key_node)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                line, column = _mark(key_node.start_mark)
                raise SourceError("DT009", "mapping keys must be plain scalars", line, column)
            kline, kcol = _mark(key_node.start_mark)
            if key in out:
                first = out.key_position(key, of_key=True) or (0, 0)
                raise SourceError(
                    "DT002",
                    f"duplicate key {key!r} (first defined at line {first[0]}); YAML would silently keep only the last",
                    kline,
                    kcol,
                )
            value, vsize = self.build(value_node, depth + 1)
            size += vsize
            vline, vcol = _mark(value_node.start_mark)
            out[key] = value
            pos.extend((kline, kcol, vline, vcol))
        for source, (line, column) in merged:
            for key, value in source.items():
                if key not in out:
                    out[key] = value
                    pos.extend((line, column, line, column))
                    size += 1
        return out, size

    def _merge_sources(self, node: yaml.Node, depth: int) -> list[tuple[PosDict, tuple[int, int]]]:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        sources = []
        for item in items:
            value, _ = self.build(item, depth + 1)
            if not isinstance(value, PosDict):
                line, column = _mark(item.start_mark)
                raise SourceError(
                    "DT009", "a merge key (<<) takes a mapping or a list of mappings", line, column
                )
            sources.append((value, _mark(item.start_mark)))
        return sources

    def _sequence(self, node: yaml.SequenceNode, depth: int) -> tuple[PosList, int]:
        self._check_tag(node, (_TAG + "seq",))
        out = PosList()
        pos = out.pos = array("I")
        size = 1
        for item in node.value:
            value, vsize = self.build(item, depth + 1)
            size += vsize
            out.append(value)
            pos.extend(_mark(item.start_mark))
        return out, size

    def _scalar(self, node: yaml.Node) -> Any:
        value: str = node.value
        tag = node.tag
        if tag in (_TAG + "str", _TAG + "timestamp", "!"):
            return value  # dates stay text; the models parse the ones they expect
        if tag == _TAG + "null":
            return None if value in _NULLS else value
        if tag == _TAG + "bool":
            return _BOOLS.get(value, value)
        if tag == _TAG + "int":
            if _INT.fullmatch(value):
                return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
            return value
        if tag == _TAG + "float":
            if value.lower() in _SPECIAL_FLOATS:
                return _SPECIAL_FLOATS[value.lower()]
            return float(value) if _FLOAT.fullmatch(value) else value
        line, column = _mark(node.start_mark)
        raise SourceError("DT009", f"unsupported YAML tag {tag!r}", line, column)


def parse(text: str) -> Document:
    """Parse one YAML document that must be a mapping."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _from_yaml_error(exc) from None
    except yaml.YAMLError as exc:
        raise SourceError("DT001", str(exc).strip() or "YAML error") from None
    finally:
        loader.dispose()
    if node is None:
        raise SourceError("DT006", "the file is empty: a tree is a YAML mapping")
    if not isinstance(node, yaml.MappingNode):
        line, column = _mark(node.start_mark)
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        raise SourceError(
            "DT006", f"the document is {kind}; a tree is a YAML mapping", line, column
        )
    data, _ = _Builder().build(node, 0)
    line, column = _mark(node.start_mark)
    return Document(data, line, column)


def _from_yaml_error(exc: yaml.MarkedYAMLError) -> SourceError:
    mark = exc.problem_mark or exc.context_mark
    line, column = _mark(mark)
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if "maximum nesting depth" in problem:
        return SourceError("DT008", "nesting deeper than libyaml's limit", line, column)
    if "expected a single document" in context or "found another document" in problem:
        return SourceError(
            "DT007", "more than one YAML document; a tree file holds exactly one", line, column
        )
    message = problem or context or "YAML syntax error"
    if context and problem:
        message = f"{problem} ({context})"
    return SourceError("DT001", message, line, column)


def read(raw: bytes, *, max_bytes: int = MAX_BYTES) -> Document:
    """Check size and encoding of raw file bytes, then parse them."""
    if len(raw) > max_bytes:
        raise SourceError(
            "DT004", f"file is {len(raw):,} bytes, over the limit of {max_bytes:,} bytes"
        )
    return parse(decode(raw))


def locate(
    data: Any, loc: tuple[str | int, ...], *, of_key: bool = False
) -> tuple[int, int] | None:
    """Position of the value at `loc` in parsed data; the deepest known one if it is missing.

    With `of_key`, the position of the last key found instead of its value.
    Elements of `loc` that are not keys of the current mapping (pydantic adds
    the tag of a discriminated union, e.g. 'question') are skipped.
    """
    found: tuple[int, int] | None = None
    key_found: tuple[int, int] | None = None
    current = data
    for part in loc:
        if isinstance(current, PosDict) and part in current:
            found = current.key_position(part) or found
            key_found = current.key_position(part, of_key=True) or key_found
            current = current[part]
        elif isinstance(current, PosList) and isinstance(part, int) and 0 <= part < len(current):
            found = key_found = (current.pos[part * 2], current.pos[part * 2 + 1])
            current = current[part]
        elif isinstance(current, PosDict) and isinstance(part, str):
            continue
        else:
            break
    return key_found if of_key else found
