"""Property tests: valid trees mutated at random get problems back, never an exception.

Two kinds of mutation, on `tests/fixtures/valid/disk.yaml` and a second tree
that links into it:

- structural (2,000 examples): delete a required key, give a field a value of
  the wrong shape, add an unknown key, point a reference nowhere. Each of these
  breaks the tree, so the validator must return at least one error;
- textual (1,000 examples): cut, insert YAML-significant characters, repeat or
  re-indent lines of the file itself. The result may or may not be a tree; the
  loader and validator must return well-formed problems either way.

A third property holds the fast block-style reader (`dectree.source.blockyaml`) to
the libyaml event reader: whenever it reads a text at all, data, key order and
every position are the same (mangled trees and random documents dumped by
PyYAML in block and flow styles).

Examples are derandomized so CI runs the same ones each time.
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dectree.check.validate import validate_catalog
from dectree.model.catalog import load_catalog
from dectree.source.blockyaml import parse_block
from dectree.source.problems import CODES, Problem, Severity
from dectree.source.reader import read
from dectree.source.yamlsource import Document, SourceError, decode, parse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "disk.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")
LINKER = """\
id: linker
title: Links into disk
version: "1"
purpose: Exercise cross-tree links.
scope: Tests.
escalation:
  L2: {team: SRE, channel: "#sre", when: Always.}
review: {last_updated: 2026-01-01, updated_by: me, next_review: 2099-01-01}
start: ask
nodes:
  ask:
    kind: question
    prompt: Disk or not?
    checks: [{run: df -h}]
    choices:
      - {label: Disk, next: "disk:which-mount"}
      - {label: Other, next: other}
  other:
    kind: escalation
    level: L2
    reason: Not a disk problem.
"""
SETTINGS = settings(
    max_examples=2_000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def plain(value: Any) -> Any:
    """PosDict/PosList -> dict/list, for mutation and dumping."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


BASE = plain(read(TEXT.encode()).data)
REQUIRED = ["id", "title", "version", "purpose", "scope", "review", "start", "nodes"]
REF_PATHS: list[tuple[Any, ...]] = [("start",)]
for _node_id, _node in BASE["nodes"].items():
    for _i, _ in enumerate(_node.get("choices", [])):
        REF_PATHS.append(("nodes", _node_id, "choices", _i, "next"))
    if "next" in _node:
        REF_PATHS.append(("nodes", _node_id, "next"))
    if "if_not_fixed" in _node:
        REF_PATHS.append(("nodes", _node_id, "if_not_fixed"))
for _i, _scenario in enumerate(BASE["scenarios"]):
    REF_PATHS.append(("scenarios", _i, "expect"))


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside `value`, containers first."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from paths(item, (*prefix, index))


ALL_PATHS = list(paths(BASE))


def get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


MAPPING_PATHS = [()] + [p for p in ALL_PATHS if isinstance(get(BASE, p), dict)]
SCALAR_TEXT_PATHS = [p for p in ALL_PATHS if isinstance(get(BASE, p), str)]
LIST_PATHS = [p for p in ALL_PATHS if isinstance(get(BASE, p), list)]
NODE_REQUIRED = {"question": ["kind", "prompt"], "action": ["kind", "prompt", "next"],
                 "conclusion": ["kind", "outcome", "root_cause"],
                 "escalation": ["kind", "level", "reason"]}  # fmt: skip


@st.composite
def breaking_mutation(draw: st.DrawFn) -> tuple[str, Any]:
    """A copy of the tree with one change that must give an error."""
    data = copy.deepcopy(BASE)
    kind = draw(st.sampled_from(["delete", "wrong-shape", "unknown-key", "dangling", "node-key"]))
    if kind == "delete":
        del data[draw(st.sampled_from(REQUIRED))]
    elif kind == "node-key":
        node_id = draw(st.sampled_from(sorted(data["nodes"])))
        node = data["nodes"][node_id]
        del node[draw(st.sampled_from(NODE_REQUIRED[node["kind"]]))]
    elif kind == "wrong-shape":
        if draw(st.booleans()):
            path = draw(st.sampled_from(SCALAR_TEXT_PATHS))
            value: Any = draw(st.sampled_from([{"x": 1}, [{"y": None}], {"nested": {"deep": [1]}}]))
        else:
            path = draw(st.sampled_from(LIST_PATHS))
            value = draw(st.sampled_from([{"x": 1}, 42, True]))
        get(data, path[:-1])[path[-1]] = value
    elif kind == "unknown-key":
        target = get(data, draw(st.sampled_from(MAPPING_PATHS)))
        name = draw(st.from_regex(r"zz-[a-z]{1,8}", fullmatch=True))
        target[name] = draw(st.sampled_from([1, "x", None, {"k": "v"}, ["a"]]))
    else:
        path = draw(st.sampled_from(REF_PATHS))
        ghost = draw(
            st.from_regex(
                r"(zz-[a-z0-9]{1,10}|disk:zz[0-9]{1,3}|nowhere:[a-z]{1,5})", fullmatch=True
            )
        )
        get(data, path[:-1])[path[-1]] = ghost
    extra = draw(st.integers(0, 2))
    for _ in range(extra):  # more noise on top; never repairs the break above
        path = draw(st.sampled_from(SCALAR_TEXT_PATHS))
        try:
            holder = get(data, path[:-1])
            if isinstance(holder.get(path[-1]) if isinstance(holder, dict) else None, str):
                holder[path[-1]] = draw(st.text(max_size=30))
        except (KeyError, IndexError, TypeError):
            pass
    return kind, data


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "linker.yaml").write_text(LINKER, encoding="utf-8")
        yield folder


def check(folder: Path, raw: bytes) -> list[Problem]:
    """Load and validate the two trees; every problem must be well-formed."""
    (folder / "disk.yaml").write_bytes(raw)
    catalog = load_catalog([str(folder)])
    problems = validate_catalog(catalog)
    assert isinstance(problems, list)
    lines = {str(folder / "disk.yaml"): raw.count(b"\n") + 2}
    lines[str(folder / "linker.yaml")] = LINKER.count("\n") + 2
    for p in problems:
        assert isinstance(p, Problem)
        assert p.code in CODES and p.level is CODES[p.code][0]
        assert 1 <= p.line <= lines[p.path] and p.column >= 1, p
        assert p.message.strip()
    return problems


def test_the_unmutated_trees_are_valid(workdir: Path) -> None:
    problems = check(workdir, TEXT.encode())
    assert not [p for p in problems if p.level is Severity.error], problems


@SETTINGS
@given(mutation=breaking_mutation())
def test_a_broken_tree_gets_an_error_never_an_exception(
    workdir: Path, mutation: tuple[str, Any]
) -> None:
    kind, data = mutation
    raw = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
    problems = check(workdir, raw)
    assert any(p.level is Severity.error for p in problems), (kind, problems)


SIGNIFICANT = st.sampled_from(
    [*":-{}[],&*!|>'\"#%@`?\t\n ", "\x00", "\ufeff", "é", "<<", "---", "...", "  ", "~"]
)


@st.composite
def text_mutation(draw: st.DrawFn) -> bytes:
    lines = TEXT.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["cut", "insert", "repeat", "indent", "truncate", "swap"]))
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        if op == "cut" and line:
            a = draw(st.integers(0, len(line) - 1))
            lines[i] = line[:a] + line[draw(st.integers(a, len(line))) :]
        elif op == "insert":
            a = draw(st.integers(0, len(line)))
            lines[i] = (
                line[:a] + "".join(draw(st.lists(SIGNIFICANT, min_size=1, max_size=3))) + line[a:]
            )
        elif op == "repeat":
            lines.insert(i, line)
        elif op == "indent":
            lines[i] = " " * draw(st.integers(0, 6)) + line.lstrip(" ")
        elif op == "truncate":
            lines = lines[: max(i, 1)]
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    raw = "".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:  # now and then, bytes that are not UTF-8 at all
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + raw[at:]
    return raw


@settings(SETTINGS, max_examples=1_000)
@given(raw=text_mutation())
def test_mangled_text_gives_problems_never_an_exception(workdir: Path, raw: bytes) -> None:
    check(workdir, raw)
    assert_block_reader_agrees(raw)


def shape(value: Any) -> Any:
    """Data with positions and key order, comparable with ==."""
    if isinstance(value, dict):
        return ("map", [(k, shape(v)) for k, v in value.items()], list(value.pos))
    if isinstance(value, list):
        return ("seq", [shape(v) for v in value], list(value.pos))
    return (type(value).__name__, repr(value))


def assert_block_reader_agrees(raw: bytes) -> None:
    """If the fast reader reads `raw`, libyaml's events give the same document."""
    try:
        text = decode(raw)
    except SourceError:
        return
    fast = parse_block(text)
    if fast is None:
        return
    try:
        slow: Document = parse(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw)
    except SourceError as exc:  # pragma: no cover - the failure this test exists for
        raise AssertionError(f"fast reader accepted what libyaml refuses: {exc.message}") from None
    assert (fast.line, fast.column) == (slow.line, slow.column)
    assert shape(fast.data) == shape(slow.data)


KEYS = st.from_regex(r"[a-z_][a-z0-9_.-]{0,8}", fullmatch=True) | st.sampled_from(
    ["true", "null", "1", "0x1f", "y", "on", "1.5", "<<", "- a", "a b", "é"]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, width=32)
    | st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
    | st.sampled_from(["yes", "No", "~", "", "-", "1:30", "a: b", "#x", "x #y", "@", "'q'", '"d"'])
)
DOCS = st.dictionaries(
    KEYS,
    st.recursive(
        SCALARS,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
        max_leaves=20,
    ),
    min_size=1,
    max_size=6,
)


@settings(SETTINGS, max_examples=1_000)
@given(doc=DOCS, flow=st.sampled_from([False, None]), width=st.sampled_from([20, 80, 1000]))
def test_the_block_reader_reads_what_libyaml_reads(
    doc: dict[str, Any], flow: bool | None, width: int
) -> None:
    text = yaml.safe_dump(
        doc, default_flow_style=flow, width=width, allow_unicode=True, sort_keys=False
    )
    assert_block_reader_agrees(text.encode())


def test_the_block_reader_reads_the_shipped_trees() -> None:
    for path in sorted((Path(__file__).resolve().parents[2] / "dectree" / "trees").glob("*.yaml")):
        raw = path.read_bytes()
        assert parse_block(decode(raw)) is not None, path
        assert_block_reader_agrees(raw)


@pytest.mark.parametrize("header", ["|2", "|2-", "|-2", "|+2", ">2", "|4", "|1"])
def test_block_scalars_with_an_indentation_indicator(header: str) -> None:
    raw = (
        "a:\n  b:\n    - at: x\n      output: " + header + "\n"
        "          state | n\n        ---+--\n         active | 3\n\n      exit: 0\n"
    ).encode()
    assert parse_block(decode(raw)) is not None or header == "|4"
    assert_block_reader_agrees(raw)
