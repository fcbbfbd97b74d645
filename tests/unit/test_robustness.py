"""Hostile and huge inputs: each is refused (or handled) with a positioned problem and bounded memory.

Inputs are built at test time. Memory is checked with tracemalloc (Python
allocations, deterministic); nothing here asserts a duration: the time each
input takes is measured by `bench/run.py`, not by the test suite.
"""

from __future__ import annotations

import os
import random
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from dectree.cli import main
from dectree.model.catalog import load_file
from dectree.source.problems import Problem
from dectree.source.yamlsource import MAX_ALIAS_EXPANSION, MAX_BYTES

MB = 1024 * 1024
VALID = (Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "disk.yaml").read_text()


def schema_shaped_bomb() -> str:
    """A tree that satisfies the schema: one reference, a list of 1,000 aliases of it
    in the first node, and as many nodes as fit in 116 KiB that alias that list."""
    text = VALID.replace("references:\n", "references:\n  - &ref {title: t, url: u}\n", 1)
    refs = "    references: &r [" + ", ".join(["*ref"] * 1000) + "]\n"
    text = text.replace("    kind: question\n", "    kind: question\n" + refs, 1)
    nodes = []
    while len(text) + sum(map(len, nodes)) < 116 * 1024:
        nodes.append(
            f"  copy-{len(nodes)}:\n    kind: escalation\n    level: L2\n"
            "    reason: x\n    references: *r\n"
        )
    return text.replace("scenarios:\n", "".join(nodes) + "scenarios:\n", 1)


def nested_merge_bomb() -> str:
    lines = ["a0: &a0 {k: v}"]
    for i in range(1, 12):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} {{<<: [{', '.join([prev] * 10)}], k{i}: v}}")
    return "\n".join(lines) + "\n"


def merge_alias_bomb() -> str:
    """Copies of a mapping that merged a big one: each copy is as big as what it merged."""
    return (
        "base: &b {k: [" + ", ".join(["x"] * 1000) + "]}\n"
        "m: &m {<<: *b}\n"
        "l: [" + ", ".join(["*m"] * 100) + "]\n"
    )


def flow_bomb() -> str:
    levels = ["a: &a [" + ", ".join(["x"] * 10) + "]"]
    for i in range(1, 10):
        levels.append(
            f"l{i}: &l{i} [" + ", ".join([f"*{'a' if i == 1 else f'l{i - 1}'}"] * 10) + "]"
        )
    return "\n".join(levels) + "\n"


HOSTILE: dict[str, tuple[Callable[[], bytes], set[str]]] = {
    "schema-shaped-bomb-116k": (lambda: schema_shaped_bomb().encode(), {"DT003"}),
    "billion-laughs": (lambda: flow_bomb().encode(), {"DT003"}),
    "merge-keys-nested": (lambda: nested_merge_bomb().encode(), {"DT003"}),
    "recursive-alias": (lambda: b"id: t\nloop: &x [1, *x]\n", {"DT003"}),
    "recursive-mapping": (lambda: b"a: &x\n  b: *x\n", {"DT003"}),
    "file-50mb": (lambda: b"id: t\ntitle: " + b"x" * (50 * MB) + b"\n", {"DT004"}),
    "deep-flow-10000": (lambda: b"a: " + b"[" * 10_000 + b"]" * 10_000 + b"\n", {"DT008"}),
    "deep-block-10000": (lambda: b"- " * 10_000 + b"x\n", {"DT006", "DT008"}),
    "deep-indented-1000": (
        lambda: "".join(f"{' ' * i}k:\n" for i in range(1_000)).encode(),
        {"DT008"},
    ),
    "deep-flow-mapping-10000": (
        lambda: b"a: " + b"{a: " * 10_000 + b"1" + b"}" * 10_000 + b"\n",
        {"DT008"},
    ),
    "merge-alias-bomb": (lambda: merge_alias_bomb().encode(), {"DT003"}),
    "line-1mb": (lambda: b"id: t\ntitle: " + b"y" * MB + b"\n", {"DT103", "DT102"}),
    "flow-line-1mb": (
        lambda: b"id: t\ntags: [" + b", ".join([b"a" * 1000] * (MB // 1002)) + b"]\n",
        {"DT102"},
    ),
    "binary-junk": (lambda: random.Random(7).randbytes(MB), {"DT005"}),
    "binary-utf8-controls": (lambda: bytes(range(32)) * 1000, {"DT001"}),
    "many-unknown-keys": (
        lambda: ("id: t\n" + "".join(f"key{i}: v\n" for i in range(5_000))).encode(),
        {"DT101", "DT102"},
    ),
    "many-anchors": (
        lambda: ("id: t\ntags: [" + ", ".join(f"&a{i} v" for i in range(20_000)) + "]\n").encode(),
        {"DT102"},
    ),
    "aliases-within-budget": (
        lambda: (
            "id: t\ntitle: &b v\ntags: [" + ", ".join(["*b"] * MAX_ALIAS_EXPANSION) + "]\n"
        ).encode(),
        {"DT102"},
    ),
}


def load(tmp_path: Path, name: str, raw: bytes) -> tuple[list[Problem], int]:
    """Problems of loading `raw`, and the peak of Python allocations meanwhile."""
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(raw)
    del raw
    tracemalloc.start()
    try:
        loaded, problems = load_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert loaded is None
    return problems, peak


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_refused_with_a_position_and_bounded_memory(
    name: str, tmp_path: Path
) -> None:
    make, codes = HOSTILE[name]
    problems, peak = load(tmp_path, name, make())
    assert problems, "refused without a problem"
    assert {p.code for p in problems} & codes, problems[:3]
    for p in problems:
        assert p.line >= 1 and p.column >= 1
        assert p.message
    assert peak < 200 * MB, f"peak {peak / MB:.0f} MB"


def test_the_schema_shaped_bomb_is_the_size_the_issue_names() -> None:
    text = schema_shaped_bomb()
    assert 115 * 1024 < len(text) < 118 * 1024
    # Expanded, every copy holds 1,000 references of 3 values: millions of objects.
    assert text.count("references: *r") * 1000 * 3 > 3_000_000


def test_bomb_refusal_points_at_the_alias_line(tmp_path: Path) -> None:
    problems, _ = load(tmp_path, "bomb", flow_bomb().encode())
    (only,) = problems
    assert only.code == "DT003"
    assert "*l" in only.message or "*a" in only.message
    assert only.line > 1


def test_size_limit_reads_only_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with open(path, "wb") as handle:
        handle.truncate(200 * MB)  # sparse: 200 MB of NUL bytes without writing them
    tracemalloc.start()
    try:
        _, problems = load_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.code for p in problems] == ["DT004"]
    assert peak < MAX_BYTES + 8 * MB


def test_hostile_inputs_through_the_cli_never_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("billion-laughs", "deep-flow-10000", "binary-junk", "recursive-alias"):
        path = tmp_path / f"{name}.yaml"
        path.write_bytes(HOSTILE[name][0]())
        code = main(["validate", "--no-cache", str(path)])
        out, err = capsys.readouterr()
        assert code == 1, out + err
        assert "Traceback" not in out + err
        assert f"{path}:" in out


def test_a_directory_named_like_a_tree_is_searched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "trees.yaml"
    folder.mkdir()
    (folder / "a.yaml").write_text("id: [\n")
    code = main(["validate", "--no-cache", str(folder)])
    out, err = capsys.readouterr()
    assert code == 1 and "DT001" in out and "Traceback" not in out + err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    loaded, problems = load_file(fifo)
    assert loaded is None
    assert [p.code for p in problems] == ["DT010"]
