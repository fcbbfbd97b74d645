"""The validate result cache: hits skip loading, any change is re-checked, never a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

import dectree.commands.validate as validate_command
from dectree.check.cache import Input, Outcome, ResultCache, run_key
from dectree.cli import main
from dectree.source.problems import Problem, Severity

TREE = """\
id: {id}
title: Tree {id}
version: "1"
purpose: Test.
scope: Test.
escalation:
  L2: {{team: SRE, channel: "#sre", when: Always.}}
review: {{last_updated: 2026-01-01, updated_by: me, next_review: 2099-01-01}}
start: q
nodes:
  q:
    kind: question
    prompt: Up?
    checks: [{{run: uptime}}]
    choices:
      - {{label: "Yes", next: done}}
      - {{label: "No", next: {link}}}
  done:
    kind: conclusion
    outcome: resolved
    root_cause: Fine.
    resolution: [{{do: Nothing.}}]
  {extra}
"""
LAST = """last:
    kind: escalation
    level: L2
    reason: Broken."""


def write_set(folder: Path, *, b_has_last: bool = True) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "a.yaml").write_text(TREE.format(id="a", link="b:last", extra=""))
    (folder / "b.yaml").write_text(
        TREE.format(id="b", link="last" if b_has_last else "done", extra=LAST if b_has_last else "")
    )


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DECTREE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DECTREE_NO_CACHE", raising=False)
    return tmp_path / "cache"


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["validate", "--today", "2026-11-26", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out


def forbid_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cache hit must not load any tree")

    monkeypatch.setattr(validate_command, "load_or_usage_error", fail)


def test_second_run_is_served_from_the_cache(
    tmp_path: Path,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_set(tmp_path / "trees")
    first = validate(capsys, str(tmp_path / "trees"))
    assert first[0] == 0 and "2 files, 2 trees" in first[1]
    assert (cache_dir / ".gitignore").read_text().strip().endswith("*")
    forbid_loading(monkeypatch)
    assert validate(capsys, str(tmp_path / "trees")) == first


def test_a_change_in_a_linked_file_rechecks_the_tree_that_links_into_it(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_set(tmp_path / "trees")
    assert validate(capsys, str(tmp_path / "trees"))[0] == 0
    write_set(tmp_path / "trees", b_has_last=False)  # a.yaml unchanged, its link now dangles
    code, out = validate(capsys, str(tmp_path / "trees"))
    assert code == 1
    assert "a.yaml:" in out and " DT210 " in out


def test_other_options_are_other_entries(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_set(tmp_path / "trees")
    assert validate(capsys, str(tmp_path / "trees"))[0] == 0
    code, out = validate(capsys, "--today", "2100-01-01", str(tmp_path / "trees"))
    assert code == 0
    assert " DT216 " in out  # review overdue on that date: not the cached answer


def test_no_cache_neither_reads_nor_writes(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_set(tmp_path / "trees")
    assert validate(capsys, "--no-cache", str(tmp_path / "trees"))[0] == 0
    assert not cache_dir.exists()


def test_corrupt_entries_are_misses_and_unwritable_caches_are_ignored(
    tmp_path: Path,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_set(tmp_path / "trees")
    expected = validate(capsys, str(tmp_path / "trees"))
    for entry in (cache_dir / "validate").glob("*.json"):
        entry.write_text("{not json")
    assert validate(capsys, str(tmp_path / "trees")) == expected
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    monkeypatch.setenv("DECTREE_CACHE_DIR", str(blocker))
    assert validate(capsys, str(tmp_path / "trees")) == expected


def test_round_trip_and_key_sensitivity(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    inputs = [Input("a.yaml", "0" * 64), Input("b.yaml", "1" * 64, context=True)]
    key = run_key(inputs, {"today": "2026-11-26"})
    outcome = Outcome(1, ["a"], [Problem("a.yaml", 3, 5, Severity.warning, "DT202", "msg: ü")])
    cache.put(key, outcome)
    assert cache.get(key) == outcome
    assert run_key(list(reversed(inputs)), {"today": "2026-11-26"}) != key
    assert run_key([Input("a.yaml", "2" * 64), inputs[1]], {"today": "2026-11-26"}) != key
    assert run_key(inputs, {"today": "2026-11-27"}) != key


def test_an_upgraded_library_turns_the_cache_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept verdicts depend on libraries (bashlex parses commands, RE2 judges rules):
    the fingerprint follows their installed files, without importing them."""
    import importlib.machinery
    import importlib.util
    import os

    from dectree.check.cache import code_fingerprint

    fake = tmp_path / "bashlex_init.py"
    fake.write_text("# bashlex 0.18\n")
    real_find = importlib.util.find_spec

    def find(name: str, *args: object) -> object:
        if name == "bashlex":
            return importlib.machinery.ModuleSpec("bashlex", None, origin=str(fake))
        return real_find(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", find)
    before = code_fingerprint()
    assert code_fingerprint() == before  # stable while nothing changes
    fake.write_text("# bashlex 0.19, rewritten by pip\n")
    os.utime(fake, ns=(1, 2))
    assert code_fingerprint() != before
