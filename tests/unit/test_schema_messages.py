"""Schema problems say where and what, word for word: one generated case per kind of mistake.

Each case breaks `tests/fixtures/valid/disk.yaml` in one way; the problem's
line, column, code and message are asserted whole, so a wrong position, a
lost did-you-mean or a garbled description fails here (these lines once
survived every mutation of the loader's message code).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from dectree.model.catalog import load_catalog
from tests.unit.test_property import BASE

CASES: dict[str, Callable[[Any], Any]] = {
 "unknown top key": lambda d: d.__setitem__("titel", "x"),
 "unknown node key": lambda d: d["nodes"]["which-mount"].__setitem__("promt", "x"),
 "unknown choice key": lambda d: d["nodes"]["which-mount"]["choices"][0].__setitem__("nxt", "x"),
 "missing top key": lambda d: d.pop("purpose"),
 "missing node key": lambda d: d["nodes"]["which-mount"].pop("prompt"),
 "missing kind": lambda d: d["nodes"]["which-mount"].pop("kind"),
 "unknown kind": lambda d: d["nodes"]["which-mount"].__setitem__("kind", "questoin"),
 "number for text": lambda d: d.__setitem__("title", 42),
 "bad id": lambda d: d.__setitem__("id", "Disk Full"),
 "conclusion with choices": lambda d: d["nodes"]["many-files"].__setitem__("choices", [{"label": "a", "next": "b"}]),
 "escalation with next list": lambda d: d["nodes"]["escalate-l2"].__setitem__("choices", []),
 "bad date": lambda d: d["review"].__setitem__("last_updated", "yesterday"),
 "bad outcome": lambda d: d["nodes"]["many-files"].__setitem__("outcome", "fixed"),
 "list for mapping": lambda d: d.__setitem__("variables", ["host"]),
 "bad level": lambda d: d["nodes"]["escalate-l2"].__setitem__("level", "L9"),
 "scenario unknown key": lambda d: d["scenarios"][0].__setitem__("expected", "x"),
}

# case -> [(the text of the line it is on, which occurrence of that text, column, code,
#          message)]: positions by content, so the fixture can grow without renumbering.
EXPECTED: dict[str, list[tuple[str, int, int, str, str]]] = {
    'unknown top key': [('titel: x', 0, 1, 'DT101', "unknown key 'titel' in the tree (did you mean 'title'?)")],
    'unknown node key': [('    promt: x', 0, 5, 'DT101', "unknown key 'promt' in node 'which-mount' (did you mean 'prompt'?)")],
    'unknown choice key': [('      nxt: x', 0, 7, 'DT101', "unknown key 'nxt' in node 'which-mount' choices[0] (did you mean 'next'?)")],
    'missing top key': [('id: disk', 0, 1, 'DT102', "the tree is missing required key 'purpose'")],
    'missing node key': [('  which-mount:', 0, 3, 'DT102', "node 'which-mount' is missing required key 'prompt'")],
    'missing kind': [('    title: Which filesystem is full', 0, 5, 'DT103', "node 'which-mount': node has no 'kind' (question, action, conclusion or escalation)")],
    'unknown kind': [('    kind: questoin', 0, 5, 'DT103', "node 'which-mount': unknown node kind 'questoin'; expected question, action, conclusion or escalation")],
    'number for text': [('title: 42', 0, 8, 'DT103', 'title: expected text, got int 42; put it in quotes')],
    'bad id': [('id: Disk Full', 0, 5, 'DT103', "id: 'Disk Full' is not a valid id or reference (lowercase letters, digits, '-', '_', '.'; links are 'tree:node')")],
    'conclusion with choices': [('    choices:', 2, 5, 'DT204', "node 'many-files' choices: a conclusion ends the walk and cannot have 'choices'")],
    'escalation with next list': [('    choices: []', 0, 5, 'DT204', "node 'escalate-l2' choices: an escalation ends the walk and cannot have 'choices'")],
    'bad date': [('  last_updated: yesterday', 0, 17, 'DT103', 'review last_updated: Input should be a valid date or datetime, input is too short')],
    'bad outcome': [('    outcome: fixed', 0, 14, 'DT103', "node 'many-files' outcome: Input should be 'resolved', 'workaround' or 'escalate'")],
    'list for mapping': [('- host', 0, 1, 'DT103', 'variables: Input should be a valid dictionary')],
    'bad level': [('    level: L9', 0, 12, 'DT103', "node 'escalate-l2' level: Input should be 'L1', 'L2' or 'L3'")],
    'scenario unknown key': [('  expected: x', 0, 3, 'DT101', "unknown key 'expected' in scenarios[0] (did you mean 'expect'?)")],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_schema_problem_is_positioned_and_worded(case: str) -> None:
    data = json.loads(json.dumps(BASE, default=str))
    CASES[case](data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "disk.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        catalog = load_catalog([str(path)])
    lines = yaml.safe_dump(data, sort_keys=False).split("\n")
    expected = [
        ([i for i, row in enumerate(lines) if row == text][occurrence] + 1, column, code, message)
        for text, occurrence, column, code, message in EXPECTED[case]
    ]
    found = [(p.line, p.column, p.code, p.message) for p in catalog.problems]
    assert found == expected


# -- files that cannot be read, word for word ---------------------------------------------


def _fifo(path: Path) -> None:
    import os

    os.mkfifo(path)


READ_FAILURES: dict[str, tuple[Callable[[Path], Any], str, str]] = {
    "a directory": (lambda p: p.mkdir(), "DT010", "cannot read file: not a regular file (a directory)"),
    "a named pipe": (_fifo, "DT010", "cannot read file: not a regular file (a FIFO)"),
    "missing": (lambda p: None, "DT010", "cannot read file: No such file or directory"),
    "over the limit": (
        lambda p: p.write_bytes(b"id: t\n" + b"#" * 200),
        "DT004",
        "file is 206 bytes, over the limit of 100 bytes",
    ),
    "exactly at the limit": (lambda p: p.write_bytes(b"id: t\n" + b"#" * 94), "DT102", ""),
}


@pytest.mark.parametrize("case", sorted(READ_FAILURES))
def test_a_file_that_cannot_be_read_says_why_at_1_1(case: str, tmp_path: Path) -> None:
    from dectree.model.catalog import load_file

    make, code, message = READ_FAILURES[case]
    path = tmp_path / "t.yaml"
    make(path)
    loaded, problems = load_file(path, max_bytes=100)
    assert loaded is None
    first = problems[0]
    assert (first.path, first.code) == (str(path), code)
    if message:
        assert (first.line, first.column, first.message) == (1, 1, message)
