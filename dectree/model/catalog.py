"""Finding tree files and loading them into validated models with positions.

Discovery order: the paths given; otherwise `./trees` if it exists; otherwise
the trees bundled with the package. Directories named in `DECTREE_PATH`
(colon-separated) are always added. Loading never raises for bad input: every
problem becomes a `Problem` at a file position.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import re
import stat
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from dectree.model.discovery import discover, siblings
from dectree.model.listing import ListingIndex
from dectree.model.tree import AnyNode, Tree, split_ref
from dectree.model.treecache import TreeCache
from dectree.source.files import kind, read_regular, why_unusable
from dectree.source.problems import Problem, problem
from dectree.source.reader import read
from dectree.source.yamlsource import MAX_BYTES, PosDict, SourceError, locate

HINT_LIMIT = 200  # unknown keys per file that get a did-you-mean hint
POSITIONS_MAX_BYTES = 1 << 30  # a file read again for positions: it loaded under any --max-bytes


@dataclass
class LoadedTree:
    """A tree that passed schema validation, with where it came from."""

    tree: Tree
    path: str
    digest: str
    data: PosDict | None = field(repr=False)
    """The positioned data; None when the tree came from the cache and no position was asked yet."""
    context: bool = False
    """Loaded only so links into it resolve; its own problems are not reported."""
    positions_lost: bool = False
    """The file changed after it was read, so positions fell back to 1:1: whatever was
    found with them must not be kept under this digest."""

    def position(self, loc: tuple[str | int, ...], *, of_key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at a model path, or the nearest known one."""
        if self.data is None:
            self.data = self._positions()
        return locate(self.data, loc, of_key=of_key) or (1, 1)

    def _positions(self) -> PosDict:
        """The data of a tree that came from the cache: its file read again."""
        try:
            raw = read_regular(self.path, POSITIONS_MAX_BYTES)  # never a FIFO swapped in since
            if hashlib.sha256(raw).hexdigest() == self.digest:
                found = read(raw, max_bytes=len(raw)).data
                if isinstance(found, PosDict):
                    return found
        except (OSError, SourceError, RecursionError, MemoryError):
            pass
        self.positions_lost = True
        return PosDict()  # the file changed since it was read: positions fall back to 1:1


@dataclass
class Catalog:
    """Every tree that loaded, by id, and the problems met while loading."""

    trees: dict[str, LoadedTree] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def checked(self) -> dict[str, LoadedTree]:
        """The trees that were asked for (not loaded as context)."""
        return {tid: t for tid, t in self.trees.items() if not t.context}

    def node(self, tree_id: str, node_id: str) -> AnyNode | None:
        """The node `node_id` of tree `tree_id`, if both exist."""
        loaded = self.trees.get(tree_id)
        return loaded.tree.nodes.get(node_id) if loaded else None

    def resolve(self, ref: str, tree_id: str) -> tuple[str, str]:
        """A reference made in `tree_id`, as (tree id, node id)."""
        return split_ref(ref, tree_id)


# What can put a line break other than LF into a string: a CR, NEL or line/paragraph
# separator written raw, or an escape in a double-quoted string that makes one.
_OTHER_BREAK_IN_FILE = re.compile(
    rb"\r|\xc2\x85|\xe2\x80[\xa8\xa9]|\\(?:[rNLP]|x0[dD]|x85|u000[dD]|u0085|u202[89]|U0000000[dD])"
)
_OTHER_BREAK = re.compile("\r\n?|[\x85\u2028\u2029]")


def _normalise_breaks(data: Any) -> None:
    """Every string value in `data` with its line breaks as LF (in place, positions kept).

    Tree text is split into lines on LF everywhere it is shown; a lone CR would
    return the terminal's cursor or break a renderer's line count."""
    stack = [data]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            if isinstance(value, str):
                if _OTHER_BREAK.search(value):
                    node[key] = _OTHER_BREAK.sub("\n", value)
            elif isinstance(value, (dict, list)):
                stack.append(value)


def read_file(path: Path, *, max_bytes: int = MAX_BYTES) -> tuple[bytes | None, list[Problem]]:
    """A tree file's bytes, or the problem that keeps it from being read (DT010, DT004)."""
    name = str(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return None, [problem(name, 1, 1, "DT010", f"cannot read file: {why_unusable(path, exc)}")]
    try:
        if not stat.S_ISREG(mode):  # a FIFO or device would block or never end
            return None, [
                problem(name, 1, 1, "DT010", f"cannot read file: not a regular file ({kind(mode)})")
            ]
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
            if len(raw) > max_bytes:  # say the file's size, not how much of it was read
                size = max(os.fstat(handle.fileno()).st_size, len(raw))
                return None, [
                    problem(
                        name,
                        1,
                        1,
                        "DT004",
                        f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes",
                    )
                ]
    except OSError as exc:
        return None, [problem(name, 1, 1, "DT010", f"cannot read file: {exc.strerror or exc}")]
    return raw, []


def load_file(
    path: Path, *, max_bytes: int = MAX_BYTES, cache: TreeCache | None = None
) -> tuple[LoadedTree | None, list[Problem]]:
    """Read, parse and validate one tree file (or take it from `cache` if its bytes are known)."""
    name = str(path)
    raw, problems = read_file(path, max_bytes=max_bytes)
    if raw is None:
        return None, problems
    digest = hashlib.sha256(raw).hexdigest()
    if cache is not None and len(raw) <= max_bytes:
        cached = cache.get_tree(digest)
        if isinstance(cached, Tree):
            return LoadedTree(cached, name, digest, None), []
    try:
        document = read(raw, max_bytes=max_bytes)
    except SourceError as exc:
        return None, [problem(name, exc.line, exc.column, exc.code, exc.message)]
    except (RecursionError, MemoryError):
        return None, [
            problem(name, 1, 1, "DT008", "document too deeply nested or too large to read")
        ]
    size = len(raw)
    if _OTHER_BREAK_IN_FILE.search(raw):
        _normalise_breaks(document.data)
    del raw  # a large file's bytes are not kept while its model is built
    try:
        tree = Tree.model_validate(document.data)
    except ValidationError as exc:
        return None, schema_problems(name, document.data, exc)
    if cache is not None:
        cache.put(digest, tree, size=size)
    return LoadedTree(tree, name, digest, document.data), []


def load_catalog(
    paths: Sequence[str] = (),
    *,
    max_bytes: int = MAX_BYTES,
    with_siblings: bool = False,
    cache: bool = False,
) -> Catalog:
    """Discover and load every tree; duplicate tree ids are problems.

    With `with_siblings`, tree files beside named files load as context: links
    resolve against them, but they are not checked or reported on. With
    `cache`, files whose bytes were loaded before come from the tree cache
    (`dectree.model.treecache`), unless `DECTREE_NO_CACHE` is set.
    """
    store = TreeCache.default() if cache else None
    catalog = Catalog()
    chosen = discover(paths)
    context = siblings(paths, chosen) if with_siblings else []
    for path in [*chosen, *context]:
        is_context = path in context
        loaded, problems = load_file(path, max_bytes=max_bytes, cache=store)
        if is_context:
            if loaded is not None and loaded.tree.id not in catalog.trees:
                loaded.context = True
                catalog.trees[loaded.tree.id] = loaded
            continue
        catalog.files.append(str(path))
        catalog.problems.extend(problems)
        if loaded is None:
            continue
        tree_id = loaded.tree.id
        if tree_id in catalog.trees:
            line, column = loaded.position(("id",))
            first = catalog.trees[tree_id].path
            catalog.problems.append(
                problem(
                    loaded.path,
                    line,
                    column,
                    "DT104",
                    f"tree id {tree_id!r} is already defined in {first}",
                )
            )
            continue
        catalog.trees[tree_id] = loaded
    if store is not None:
        store.prune()
        # What the home screen lists at once next time (`dectree.model.listing`).
        ListingIndex(store).update(
            (t.digest, t.tree) for t in catalog.trees.values() if not t.context
        )
    return catalog


# --- pydantic errors -> problems -------------------------------------------------


def schema_problems(path: str, data: PosDict, exc: ValidationError) -> list[Problem]:
    """One problem per pydantic error, at the YAML position of the offending field."""
    out: list[Problem] = []
    seen: set[tuple[int, int, str]] = set()
    hinted = 0
    for error in exc.errors(include_url=False):
        loc = _node_key(data, tuple(error["loc"]))
        kind = error["type"]
        where = _describe(loc)
        if kind == "extra_forbidden":
            key = loc[-1]
            code = "DT101"
            if key in ("choices", "next") and any(p in ("conclusion", "escalation") for p in loc):
                code = "DT204"
                message = f"{where}: {'a conclusion' if 'conclusion' in loc else 'an escalation'} ends the walk and cannot have {key!r}"
            else:
                hinted += 1  # did-you-mean costs a fuzzy match: the first ones are enough
                hint = _suggest(loc) if hinted <= HINT_LIMIT else ""
                message = f"unknown key {key!r} in {_describe(loc[:-1]) or 'the tree'}{hint}"
            line, column = locate(data, loc, of_key=True) or (1, 1)
        elif kind == "missing":
            code = "DT102"
            message = f"{_describe(loc[:-1]) or 'the tree'} is missing required key {loc[-1]!r}"
            line, column = locate(data, loc[:-1], of_key=True) or (1, 1)
        else:
            code = "DT103"
            message = f"{where}: {_explain(error)}"
            if loc[-1] == "[key]":  # the key itself is wrong: point at it
                line, column = locate(data, loc[:-1], of_key=True) or (1, 1)
            else:
                line, column = locate(data, loc) or (1, 1)
        if (line, column, message) in seen:
            continue
        seen.add((line, column, message))
        out.append(problem(path, line, column, code, message))
    return out


def _node_key(data: PosDict, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """`loc` with the node key as YAML read it: pydantic writes a `~:` key as 'None'."""
    if len(loc) > 1 and loc[0] == "nodes":
        nodes = data.get("nodes")
        if isinstance(nodes, dict) and not (isinstance(loc[1], str) and loc[1] in nodes):
            real = [k for k in nodes if not isinstance(k, str) and _same_key(k, loc[1])]
            if real:
                return ("nodes", real[0], *loc[2:])
    return loc


def _same_key(key: Any, named: Any) -> bool:
    """Whether pydantic's `named` stands for the YAML key `key` (it writes `true:` as 1)."""
    if isinstance(key, bool) and isinstance(named, int):
        return int(key) == named
    return str(key) == str(named)


def _describe(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        if part == "nodes" and i + 1 < len(loc):
            key = loc[i + 1]
            if isinstance(key, str):
                parts.append(f"node {key!r}")
            else:  # `~:` or `12:` as a node key: say what YAML read, not Python's repr
                parts.append(f"node key {_yaml_scalar(key)}")
                if i + 2 < len(loc) and loc[i + 2] == "[key]":
                    i += 1
            i += 2
            if i < len(loc) and loc[i] in ("question", "action", "conclusion", "escalation"):
                i += 1
            continue
        parts.append(f"[{part}]" if isinstance(part, int) else str(part))
        i += 1
    text = " ".join(parts).replace(" [", "[")
    return text


def _yaml_scalar(value: Any) -> str:
    """A key as YAML spells it: `null`, `true`, `12`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _explain(error: Any) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "string_type" and (value is None or isinstance(value, bool)):
        return f"expected text, got {_yaml_scalar(value)}; a node id is text"
    if kind == "string_type" and isinstance(value, (int, float, bool)):
        return f"expected text, got {type(value).__name__} {value!r}; put it in quotes"
    if kind == "string_pattern_mismatch":
        return f"{value!r} is not a valid id or reference (lowercase letters, digits, '-', '_', '.'; links are 'tree:node')"
    if kind == "union_tag_invalid":
        return f"unknown node kind {error.get('ctx', {}).get('tag')!r}; expected question, action, conclusion or escalation"
    if kind == "union_tag_not_found":
        return "node has no 'kind' (question, action, conclusion or escalation)"
    return str(error["msg"])


@functools.cache  # the models do not change; a file with thousands of unknown keys asks once
def _vocabulary() -> frozenset[str]:
    """Every key the format knows, for did-you-mean on unknown keys."""
    names: set[str] = set()
    stack: list[type[BaseModel]] = [Tree]
    seen: set[type[BaseModel]] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        names.update(model.model_fields)
        for info in model.model_fields.values():
            stack.extend(_models_in(info.annotation))
    return frozenset(names)


@functools.cache
def _sorted_vocabulary() -> list[str]:
    return sorted(_vocabulary())


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _suggest(loc: tuple[Any, ...]) -> str:
    matches = difflib.get_close_matches(str(loc[-1]), _sorted_vocabulary(), n=1, cutoff=0.75)
    return f" (did you mean {matches[0]!r}?)" if matches else ""
