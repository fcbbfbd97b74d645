"""Safe YAML reading that keeps the position of every key and value.

libyaml (through PyYAML's C loader when available) parses the text into
events and this module builds plain Python data from them itself (no node
graph is composed: half the time, a fraction of the memory), because PyYAML's
own constructors lose positions, keep the last of duplicate keys silently, expand
aliases without bound and resolve scalars by YAML 1.1 rules (`no` -> False,
`1:30` -> 90). Scalars here follow the YAML 1.2 core schema: only
true/false are booleans, only decimal, 0o and 0x numbers are integers.

Every failure is a `SourceError` with a code from `dectree.source.problems` and a
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
MAX_INT_DIGITS = 1_000
"""Digits of an integer literal (any base) beyond which a file is refused (DT011): Python
will not print an integer of more than 4,300 decimal digits, so every message quoting it
would fail."""

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

    __slots__ = ("_order", "pos")
    pos: array[int]
    _order: dict[Any, int]

    def key_position(self, key: Any, *, of_key: bool = False) -> tuple[int, int] | None:
        """Position of `key`'s value (or of the key itself)."""
        if key not in self:
            return None
        try:
            order = self._order
        except AttributeError:
            order = {}
        if len(order) != len(self):  # built on first use: a file with many problems stays linear
            order = self._order = {k: i for i, k in enumerate(self)}
        base = order[key] * 4 + (0 if of_key else 2)
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


_SCALAR_TAGS_AS_TEXT = (_TAG + "str", _TAG + "timestamp")
# First character of a plain scalar -> the implicit tags it may resolve to, as
# PyYAML's resolver would try them (the resolver is YAML 1.1; `_scalar` then
# keeps only what YAML 1.2 core also accepts).
_IMPLICIT: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    first: [*rules, *_Loader.yaml_implicit_resolvers.get(None, [])]
    for first, rules in _Loader.yaml_implicit_resolvers.items()
    if first is not None
}
_MAP, _SEQ, _MERGE = _TAG + "map", _TAG + "seq", _TAG + "merge"
_NO_KEY: Any = object()
_MERGE_KEY: Any = object()  # a plain `<<`: merge the mapping(s) that follow
_MEMO_LENGTH = 40  # plain scalars up to this length are resolved once per file


def _scalar(tag: str, value: str, mark: Any) -> Any:
    """The value of a scalar with its resolved tag, by YAML 1.2 core rules."""
    if tag in _SCALAR_TAGS_AS_TEXT:
        return value  # dates stay text; the models parse the ones they expect
    if tag == _TAG + "null":
        return None if value in _NULLS else value
    if tag == _TAG + "bool":
        return _BOOLS.get(value, value)
    if tag == _TAG + "int":
        if _INT.fullmatch(value):
            digits = len(value.lstrip("+-")) - (2 if value[:2] in ("0o", "0x") else 0)
            if digits > MAX_INT_DIGITS:
                line, column = _mark(mark)
                raise SourceError(
                    "DT011",
                    f"integer of {digits:,} digits, over the limit of {MAX_INT_DIGITS:,}; "
                    "put it in quotes if it is text",
                    line,
                    column,
                )
            return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
        return value
    if tag == _TAG + "float":
        if value.lower() in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[value.lower()]
        return float(value) if _FLOAT.fullmatch(value) else value
    line, column = _mark(mark)
    raise SourceError("DT009", f"unsupported YAML tag {tag!r}", line, column)


def _resolve(event: Any) -> Any:
    """A scalar event's value, resolving its tag as PyYAML's composer would."""
    value: str = event.value
    tag = event.tag
    if tag is None or tag == "!":
        if not event.implicit[0]:
            return value  # quoted: always text
        rules = _IMPLICIT.get(value[:1])
        if rules is None:
            return value
        tag = _TAG + "str"
        for candidate, pattern in rules:
            if pattern.match(value):
                tag = candidate
                break
    if tag == _MERGE:
        return _MERGE_KEY
    return _scalar(tag, value, event.start_mark)


class _Frame:
    """A mapping or sequence being built, with what is needed to finish it."""

    __slots__ = ("anchor", "key", "key_mark", "mapping", "mark", "merge", "merged", "out", "size")

    def __init__(self, out: Any, mark: Any, anchor: str | None, mapping: bool) -> None:
        self.out = out
        self.mark = mark
        self.anchor = anchor
        self.mapping = mapping
        self.size = 1
        self.key: Any = _NO_KEY
        self.key_mark: Any = None
        self.merge = False
        self.merged: list[tuple[PosDict, tuple[int, int]]] = []


class _Builder:
    """Builds PosDict/PosList/scalars straight from libyaml's event stream.

    No node graph is composed, so memory holds only the result, and a refusal
    (depth, alias bomb, duplicate key) comes as soon as its event is read.
    Anchors map to their finished value and size; an alias adds that size to
    the expansion budget, so shared values are counted as often as they are used.
    """

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.anchors: dict[str, tuple[Any, int, Any]] = {}
        self.building: set[str] = set()
        self.expanded = 0
        self.memo: dict[str, Any] = {}

    def document(self) -> Document:
        """The single document of the stream, which must be a mapping."""
        get = self.loader.get_event
        get()  # stream start
        event = get()
        if isinstance(event, yaml.StreamEndEvent):
            raise SourceError("DT006", "the file is empty: a tree is a YAML mapping")
        root = get()
        try:
            if not isinstance(root, yaml.MappingStartEvent):
                line, column = _mark(root.start_mark)
                kind = "a list" if isinstance(root, yaml.SequenceStartEvent) else "a single value"
                raise SourceError(
                    "DT006", f"the document is {kind}; a tree is a YAML mapping", line, column
                )
            data = self._root(root)
        except SourceError:
            self._finish_document()
            raise
        get()  # document end
        extra = get()
        if not isinstance(extra, yaml.StreamEndEvent):
            line, column = _mark(extra.start_mark)
            raise SourceError(
                "DT007", "more than one YAML document; a tree file holds exactly one", line, column
            )
        line, column = _mark(root.start_mark)
        return Document(data, line, column)

    def _root(self, first: Any) -> PosDict:
        get = self.loader.get_event
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        memo = self.memo
        stack: list[_Frame] = []
        top: Any = None
        event = first
        while True:
            kind = type(event)
            mark = event.start_mark
            if kind is scalar_event:
                value = event.value
                if event.tag is None and event.implicit[0]:
                    # Plain scalars repeat (keys, kinds, ids): resolve each text once.
                    value = memo.get(value, _NO_KEY)
                    if value is _NO_KEY:
                        value = _resolve(event)
                        if len(event.value) <= _MEMO_LENGTH:
                            memo[event.value] = value
                elif event.tag is not None or event.implicit[0]:
                    value = _resolve(event)
                if len(stack) > MAX_DEPTH:
                    self._too_deep(mark)
                if event.anchor is not None:
                    self._check_anchor(event.anchor, mark)
                    self.anchors[event.anchor] = (value, 1, mark)
                if top.mapping and value is not _MERGE_KEY and not top.merge:
                    # The common case, inline: a scalar key, or a scalar value.
                    if top.key is _NO_KEY:
                        if value in top.out:
                            self._add(top, value, 1, mark)  # refuses the duplicate
                        top.key = value
                        top.key_mark = mark
                    else:
                        key_mark = top.key_mark
                        top.out[top.key] = value
                        top.out.pos.extend(
                            (key_mark.line + 1, key_mark.column + 1, mark.line + 1, mark.column + 1)
                        )
                        top.size += 1
                        top.key = _NO_KEY
                    event = get()
                    continue
                size = 1
            elif kind is map_start or kind is seq_start:
                if len(stack) > MAX_DEPTH:
                    self._too_deep(mark)
                mapping = kind is map_start
                if top is not None and top.mapping and top.key is _NO_KEY:
                    line, column = _mark(mark)
                    raise SourceError("DT009", "mapping keys must be plain scalars", line, column)
                tag = event.tag
                if tag is not None and tag != "!" and tag != (_MAP if mapping else _SEQ):
                    line, column = _mark(mark)
                    raise SourceError("DT009", f"unsupported YAML tag {tag!r}", line, column)
                out: PosDict | PosList = PosDict() if mapping else PosList()
                out.pos = array("I")
                if event.anchor is not None:
                    self._check_anchor(event.anchor, mark)
                    self.building.add(event.anchor)
                top = _Frame(out, mark, event.anchor, mapping)
                stack.append(top)
                event = get()
                continue
            elif kind is alias_event:
                value, size, _ = self._alias(event.anchor, mark)
            else:  # the end of the innermost mapping or sequence
                frame = stack.pop()
                if frame.mapping:
                    self._merge(frame)
                value, size, mark = frame.out, frame.size, frame.mark
                if frame.anchor is not None:
                    self.building.discard(frame.anchor)
                    self.anchors[frame.anchor] = (value, size, mark)
                if not stack:
                    return frame.out  # type: ignore[no-any-return]
                top = stack[-1]
            self._add(top, value, size, mark)
            event = get()

    def _finish_document(self) -> None:
        """Read to the end of a refused document, as PyYAML composed it whole before any
        refusal: a syntax error there, or a second document, is reported instead."""
        get = self.loader.get_event
        event = get()
        while event is not None and not isinstance(
            event, (yaml.DocumentEndEvent, yaml.StreamEndEvent)
        ):
            event = get()
        event = get() if isinstance(event, yaml.DocumentEndEvent) else None
        if isinstance(event, yaml.DocumentStartEvent):
            line, column = _mark(event.start_mark)
            raise SourceError(
                "DT007", "more than one YAML document; a tree file holds exactly one", line, column
            )

    def _add(self, frame: _Frame, value: Any, size: int, mark: Any) -> None:
        """Put a finished value into the collection being built."""
        if value is _MERGE_KEY and (not frame.mapping or frame.key is not _NO_KEY):
            line, column = _mark(mark)
            raise SourceError("DT009", f"unsupported YAML tag {_MERGE!r}", line, column)
        if not frame.mapping:
            frame.out.append(value)
            frame.out.pos.extend((mark.line + 1, mark.column + 1))
            frame.size += size
            return
        if frame.key is _NO_KEY:
            line, column = mark.line + 1, mark.column + 1
            if value is _MERGE_KEY:
                frame.merge = True
            elif isinstance(value, (PosDict, PosList)):
                raise SourceError("DT009", "mapping keys must be plain scalars", line, column)
            elif value in frame.out:
                first = frame.out.key_position(value, of_key=True) or (0, 0)
                raise SourceError(
                    "DT002",
                    f"duplicate key {value!r} (first defined at line {first[0]}); "
                    "YAML would silently keep only the last",
                    line,
                    column,
                )
            frame.key, frame.key_mark = value, mark
            return
        if frame.merge:
            frame.merged.extend(self._merge_sources(value, mark))
            frame.merge = False
            # A merged mapping holds what it merged: counted so, copies of it
            # (aliases) spend the expansion budget by their real size.
            frame.size += size
        else:
            key_mark = frame.key_mark
            frame.out[frame.key] = value
            frame.out.pos.extend(
                (key_mark.line + 1, key_mark.column + 1, mark.line + 1, mark.column + 1)
            )
            frame.size += size
        frame.key = _NO_KEY

    def _merge_sources(self, value: Any, mark: Any) -> list[tuple[PosDict, tuple[int, int]]]:
        if isinstance(value, PosDict):
            return [(value, (mark.line + 1, mark.column + 1))]
        if isinstance(value, PosList):
            items = [
                (item, (value.pos[2 * i], value.pos[2 * i + 1])) for i, item in enumerate(value)
            ]
            for item, (line, column) in items:
                if not isinstance(item, PosDict):
                    raise SourceError(
                        "DT009",
                        "a merge key (<<) takes a mapping or a list of mappings",
                        line,
                        column,
                    )
            return items
        line, column = _mark(mark)
        raise SourceError(
            "DT009", "a merge key (<<) takes a mapping or a list of mappings", line, column
        )

    def _merge(self, frame: _Frame) -> None:
        out = frame.out
        for source, (line, column) in frame.merged:
            for key, value in source.items():
                if key not in out:
                    out[key] = value
                    out.pos.extend((line, column, line, column))
                    frame.size += 1

    def _check_anchor(self, anchor: str, mark: Any) -> None:
        """Refuse a second anchor of the same name, as PyYAML's composer does."""
        if anchor not in self.anchors and anchor not in self.building:
            return
        line, column = _mark(mark)
        first = self.anchors.get(anchor)
        where = f" (first defined at line {first[2].line + 1})" if first else ""
        raise SourceError("DT001", f"duplicate anchor {anchor!r}{where}", line, column)

    def _alias(self, anchor: str, mark: Any) -> tuple[Any, int, Any]:
        line, column = _mark(mark)
        if anchor in self.building:
            raise SourceError("DT003", "recursive alias: a value contains itself", line, column)
        found = self.anchors.get(anchor)
        if found is None:
            raise SourceError("DT001", f"found undefined alias {anchor!r}", line, column)
        self.expanded += found[1]
        if self.expanded > MAX_ALIAS_EXPANSION:
            # At the anchor whose copies broke the budget; the alias is named.
            at_line, at_column = _mark(found[2])
            raise SourceError(
                "DT003",
                f"aliases expand to more than {MAX_ALIAS_EXPANSION} values "
                f"(*{anchor} at line {line}); refusing (YAML bomb?)",
                at_line,
                at_column,
            )
        return found

    def _too_deep(self, mark: Any) -> None:
        line, column = _mark(mark)
        raise SourceError("DT008", f"nesting deeper than {MAX_DEPTH} levels", line, column)


def parse(text: str | bytes) -> Document:
    """Parse one YAML document that must be a mapping (text, or UTF-8 bytes)."""
    loader = _Loader(text)
    try:
        return _Builder(loader).document()
    except yaml.MarkedYAMLError as exc:
        raise _from_yaml_error(exc) from None
    except yaml.reader.ReaderError as exc:
        line, column = _offset_position(text, exc.position)
        raise SourceError("DT001", _reader_message(exc), line, column) from None
    except yaml.YAMLError as exc:
        raise SourceError("DT001", str(exc).strip() or "YAML error") from None
    finally:
        loader.dispose()


def _offset_position(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a UTF-8 byte offset into `text` (libyaml counts bytes)."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    head = raw[:offset].decode("utf-8", "replace")
    return head.count("\n") + 1, len(head) - (head.rfind("\n") + 1) + 1


def _reader_message(exc: yaml.reader.ReaderError) -> str:
    character = exc.character
    if isinstance(character, int):
        return f"unacceptable character #x{character:04x}: {exc.reason}"
    return str(exc.reason)


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
