"""`dectree search`: the app's search and entry rule from the shell, text and JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from dectree.cli import main

TREES = Path(__file__).resolve().parents[2] / "trees"
WALK = Path(__file__).parent / "fixtures" / "engine" / "walk"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["search", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_names_the_entry_and_the_hits(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(WALK), "firewall port", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "firewall port"
    assert data["entry"] == {
        "tree": "net",
        "node": "port-open",
        "kind": "question",
        "strength": "strong",
        "why": "words in title 'Firewall drops the port'",
        "hit": "net:firewall",
        "suggested_answer": "Closed",
        "leads_to": "net:firewall",
    }
    first = data["hits"][0]
    assert first == {
        "tree": "net",
        "node": "firewall",
        "kind": "conclusion",
        "title": "Firewall drops the port",
        "strength": "strong",
        "field": "title",
        "text": "Firewall drops the port",
    }
    assert all(set(hit) == set(first) for hit in data["hits"])


def test_entry_is_null_when_nothing_is_worth_starting_at(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, str(WALK), "quantum flux capacitor", "--format", "json")
    assert code == 1
    assert json.loads(out) == {"query": "quantum flux capacitor", "entry": None, "hits": []}


def test_text_groups_hits_by_tree_with_their_strength(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(WALK), "FATAL: sorry, too many clients already")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Enter would start: db:pool (Connection slots exhausted), exact"
    assert lines[1] == "  why: matched symptom 'FATAL: sorry, too many clients already'"
    assert "Database refuses connections (db)" in lines
    pool = next(line for line in lines if " pool " in line)
    assert pool.split()[:3] == ["exact", "pool", "question"]


def test_limit_and_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("psql: error:\nFATAL:  sorry, too many clients already\n"))
    code, out, _ = run(capsys, str(TREES), "-", "--format", "json", "--limit", "2")
    assert code == 0
    data = json.loads(out)
    assert len(data["hits"]) <= 2
    assert data["entry"]["tree"] == "database" and data["entry"]["strength"] == "exact"


def test_a_conclusion_is_never_the_entry(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, str(TREES), "ERROR:  deadlock detected", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["hits"][0]["kind"] == "conclusion"
    assert data["entry"]["kind"] in ("question", "action")
    assert data["entry"]["leads_to"] == f"{data['hits'][0]['tree']}:{data['hits'][0]['node']}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["  "], "the query is empty"),
        (["x", "--limit", "0"], "--limit must be at least 1"),
        (["/no/such/dir", "x"], "/no/such/dir: no such file or directory"),
    ],
)
def test_bad_usage_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and out == ""
