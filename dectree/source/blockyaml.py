"""A fast reader for the plain block-style YAML that tree files are written in.

Tree files use a small part of YAML: block mappings and sequences, plain and
quoted one-line scalars, `|` and `>` block scalars, one-line flow lists, and
comments. This module reads exactly that part, line by line, about three times
faster than going through libyaml's events in Python, and gives the same data
and positions as `dectree.source.yamlsource.parse`. Anything else (anchors, aliases,
tags, flow mappings, multi-line plain or quoted scalars, tabs, documents
markers, duplicate keys, any doubt at all) makes `parse_block` return None,
and the caller reads the file with libyaml, which also reports every error:
this reader never refuses anything itself.

Block scalars are handed to libyaml one at a time, so their folding and
chomping rules are libyaml's own.
"""

from __future__ import annotations

import json
import re
from array import array
from typing import Any

from dectree.source.yamlsource import (
    _IMPLICIT,
    _MEMO_LENGTH,
    _TAG,
    MAX_DEPTH,
    MAX_INT_DIGITS,
    Document,
    PosDict,
    PosList,
    SourceError,
    _scalar,
    parse,
)

# Characters that send the whole file to libyaml: tabs, CR, YAML's other line
# breaks, anything libyaml calls non-printable, and a BOM past the start.
_UNUSUAL = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\n"
_LINE_MARKERS = ("\n---", "\n...", "\n%")  # document markers and directives
_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.-]*):(?: +|$)")
_DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)"')
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_JSON_ESCAPES = re.compile(r'\\[^"\\/bfnrt]')
_QUOTED_ITEM = re.compile(r' *"([^"\\]*)" *(?:,|$)')
# An indentation indicator (`|2`) is allowed: scenario outputs whose first line
# starts with spaces (psql tables) need one.
_BLOCK_HEADER = re.compile(r"[|>](?:[1-9][-+]?|[-+][1-9]?)?(?: +#.*)?")
_FLOW_UNSAFE = re.compile(r"[\"'\[\]{}#&*!|>%@`?]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_STR = _TAG + "str"
_MISS: Any = object()


class _Fallback(Exception):
    """The text uses YAML this reader leaves to libyaml."""


class _Lines:
    """The lines of a text. Splitting at C speed costs a list of line strings while
    the file is read (about twice the text); the models and checks that follow
    need more than that, so it does not raise a large file's peak."""

    __slots__ = ("count", "list")

    def __init__(self, text: str, count: int) -> None:
        self.list = text.split("\n")
        self.count = count

    def at(self, index: int) -> str:
        """Line `index` (0-based)."""
        return self.list[index]


class _Reader:
    def __init__(self, lines: _Lines, final_newline: bool) -> None:
        self.lines = lines
        self.final_newline = final_newline
        self.memo: dict[str, Any] = {}

    # -- scalars ----------------------------------------------------------

    def plain(self, text: str) -> Any:
        """A plain scalar's value, resolved as the event reader resolves it."""
        value = self.memo.get(text, _MISS)
        if value is not _MISS:
            return value
        rules = _IMPLICIT.get(text[:1])
        tag = _STR
        if rules is not None:
            for candidate, pattern in rules:
                if pattern.match(text):
                    tag = candidate
                    break
        if tag == _TAG + "merge":
            raise _Fallback
        if tag != _STR and len(text) > MAX_INT_DIGITS:
            raise _Fallback  # libyaml refuses it with a position (DT011)
        value = text if tag == _STR else _scalar(tag, text, None)
        if len(text) <= _MEMO_LENGTH:
            self.memo[text] = value
        return value

    def inline(self, text: str, number: int, column: int) -> tuple[Any, int]:
        """The value written at `column` (0-based) of line `number`, and the
        index of the next line to read (block scalars take lines)."""
        first = text[0]
        if first == '"':
            match = _DOUBLE.match(text)
            if not match or not _only_comment(text[match.end() :]):
                raise _Fallback
            body = match[1]
            if "\\" in body:
                if _JSON_ESCAPES.search(body):
                    raise _Fallback
                body = json.loads(f'"{body}"')
            return body, number + 1
        if first == "'":
            match = _SINGLE.match(text)
            if not match or not _only_comment(text[match.end() :]):
                raise _Fallback
            return match[1].replace("''", "'"), number + 1
        if first in "|>":
            return self.block_scalar(text, number, column)
        if first == "[":
            return self.flow_list(text, number, column), number + 1
        if first == "{":
            if text.rstrip(" ") != "{}" and not re.fullmatch(r"\{\} +#.*", text):
                raise _Fallback
            out = PosDict()
            out.pos = array("I")
            return out, number + 1
        if first in _INDICATORS and (first != "-" or text[1:2] in ("", " ")):
            raise _Fallback
        cut = text.find(" #")
        if cut >= 0:
            text = text[:cut]
        text = text.rstrip(" ")
        if ": " in text or text.endswith(":"):
            raise _Fallback
        return self.plain(text), number + 1

    def flow_list(self, text: str, number: int, column: int) -> PosList:
        end = text.find("]")
        if end < 0 or not _only_comment(text[end + 1 :]):
            raise _Fallback
        body = text[1:end]
        out = PosList()
        pos = out.pos = array("I")
        if body.lstrip(" ").startswith('"'):  # ["quoted", "items"]: no escapes, no other kind
            matches: list[re.Match[str]] = []
            at = 0
            while at < len(body):
                found = _QUOTED_ITEM.match(body, at)
                if found is None or found.end() == at:
                    raise _Fallback
                matches.append(found)
                at = found.end()
            if not matches or matches[-1][0].rstrip(" ").endswith(","):
                raise _Fallback
            for found in matches:
                out.append(found[1])
                pos.extend((number + 1, column + 1 + found.start(1)))
            return out
        if _FLOW_UNSAFE.search(body) or ":" in body:
            raise _Fallback
        if not body.strip(" "):
            return out
        offset = column + 1
        for item in body.split(","):
            stripped = item.lstrip(" ")
            start = offset + len(item) - len(stripped)
            stripped = stripped.rstrip(" ")
            if not stripped or stripped[0] in _INDICATORS:
                raise _Fallback
            out.append(self.plain(stripped))
            pos.extend((number + 1, start + 1))
            offset += len(item) + 1
        return out

    def block_scalar(self, text: str, number: int, column: int) -> tuple[Any, int]:
        """A `|` or `>` scalar that belongs to a mapping key at `self.key_indent`."""
        if not _BLOCK_HEADER.fullmatch(text) or self.key_indent < 0:
            raise _Fallback
        lines = self.lines
        end = number + 1
        taken = []
        while end < lines.count:
            line = lines.at(end)
            stripped = line.lstrip(" ")
            if stripped and len(line) - len(stripped) <= self.key_indent:
                break
            taken.append(line)
            end += 1
        body = "\n".join(taken)
        if end < lines.count or self.final_newline:
            body += "\n"
        # The key at its own indentation, so an indentation indicator means
        # what it means in the file.
        fragment = " " * self.key_indent + f"k: {text}\n{body}"
        try:
            value = parse(fragment).data["k"]
        except SourceError:
            raise _Fallback from None
        if not isinstance(value, str):
            raise _Fallback
        return value, end

    # -- structure --------------------------------------------------------

    def document(self) -> Document:
        lines = self.lines
        count = lines.count
        all_lines = lines.list
        key_match = _KEY.match
        memo_get = self.memo.get
        plain = self.plain
        # (container, indent, is_mapping); mappings first take a key, then a value
        stack: list[tuple[Any, int, bool]] = []
        pending: tuple[PosDict, Any, int, int, int] | None = None  # dict, key, indent, line, col
        self.key_indent = -1
        root: PosDict | None = None
        i = 0
        while i < count:
            line = all_lines[i]
            stripped = line.lstrip(" ")
            if not stripped or stripped[0] == "#":
                i += 1
                continue
            indent = len(line) - len(stripped)
            if root is None:
                if indent:
                    raise _Fallback
                root = PosDict()
                root.pos = array("I")
                stack.append((root, 0, True))
                first_line = i + 1
            if pending is not None:
                owner, key, key_indent, key_line, key_col = pending
                pending = None
                dash = stripped[0] == "-" and stripped[1:2] == " "
                if indent > key_indent or (indent == key_indent and dash):
                    child: Any = PosList() if dash else PosDict()
                    child.pos = array("I")
                    owner[key] = child
                    owner.pos.extend((key_line, key_col, i + 1, indent + 1))
                    while stack[-1][0] is not owner:
                        stack.pop()
                    stack.append((child, indent, not dash))
                    if len(stack) > MAX_DEPTH:
                        raise _Fallback
                else:
                    raise _Fallback  # an empty value: null, positioned by libyaml's rules
            while indent < stack[-1][1]:
                stack.pop()
                if not stack:
                    raise _Fallback
            container, level, mapping = stack[-1]
            if indent != level:
                raise _Fallback  # a continuation line or an indentation error
            if not mapping:
                if stripped[0] != "-" or stripped[1:2] != " ":
                    if len(stack) > 1 and stack[-2][1] == indent and stack[-2][2]:
                        stack.pop()  # `key:` then `- item` lines at the key's indent: done
                        container, level, mapping = stack[-1]
                    else:
                        raise _Fallback
                else:
                    rest = stripped[1:]
                    value_text = rest.lstrip(" ")
                    column = indent + 1 + len(rest) - len(value_text)
                    if not value_text or value_text[0] == "#":
                        raise _Fallback
                    if _KEY.match(value_text):  # `- key: value`: a mapping item
                        item = PosDict()
                        item.pos = array("I")
                        container.append(item)
                        container.pos.extend((i + 1, column + 1))
                        stack.append((item, column, True))
                        if len(stack) > MAX_DEPTH:
                            raise _Fallback
                        stripped, indent, container = value_text, column, item
                        mapping = True
                    else:
                        self.key_indent = -1
                        value, i_next = self.inline(value_text, i, column)
                        container.append(value)
                        container.pos.extend((i + 1, column + 1))
                        i = i_next
                        continue
            match = key_match(stripped)
            if match is None:
                raise _Fallback
            name = match[1]
            key = memo_get(name, _MISS)
            if key is _MISS:
                key = plain(name)
            if key in container:
                raise _Fallback  # duplicate: libyaml's reading refuses it with its position
            end = match.end()
            rest = stripped[end:]
            if not rest or rest[0] == "#":
                pending = (container, key, indent, i + 1, indent + 1)
                i += 1
                continue
            column = indent + end
            first = rest[0]
            if first not in _INDICATORS:
                # A plain scalar, the usual value: `inline`'s last case, written out
                # here because it is most of a file's lines.
                cut = rest.find(" #")
                if cut >= 0:
                    rest = rest[:cut]
                rest = rest.rstrip(" ")
                if ": " in rest or rest[-1] == ":":
                    raise _Fallback
                value = memo_get(rest, _MISS)
                if value is _MISS:
                    value = plain(rest)
                i_next = i + 1
            else:
                self.key_indent = indent
                value, i_next = self.inline(rest, i, column)
            container[key] = value
            container.pos.extend((i + 1, indent + 1, i + 1, column + 1))
            i = i_next
        if root is None or pending is not None:
            raise _Fallback
        return Document(root, first_line, 1)


def _only_comment(rest: str) -> bool:
    """Nothing after a value but spaces, or spaces and a comment."""
    stripped = rest.lstrip(" ")
    return not stripped or (stripped[0] == "#" and len(stripped) < len(rest))


def parse_block(text: str) -> Document | None:
    """The document, if `text` is written in the block style this reader knows; else None."""
    if text.isascii():  # the usual case, checked at C speed
        if text.encode("ascii").translate(None, _PRINTABLE_ASCII):
            return None
    elif _UNUSUAL.search(text):
        return None
    if text.startswith(("---", "...", "%")) or any(m in text for m in _LINE_MARKERS):
        return None
    final_newline = text.endswith("\n")
    lines = _Lines(text, text.count("\n") + (0 if final_newline else 1))
    try:
        return _Reader(lines, final_newline).document()
    except (_Fallback, SourceError, RecursionError):
        return None
