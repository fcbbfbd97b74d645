"""`dectree new`: a tree skeleton with every metadata field that validates as written."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from dectree.check.validate import validate_catalog
from dectree.cli import main
from dectree.model.catalog import load_catalog, load_file
from dectree.model.scaffold import ScaffoldError, check_id, skeleton
from dectree.model.tree import Contact, Review, Tree, Variable
from dectree.source.problems import Severity
from dectree.source.reader import read

TODAY = dt.date(2026, 3, 1)


def _write(tmp_path: Path, tree_id: str = "dns") -> Path:
    path = tmp_path / f"{tree_id}.yaml"
    path.write_text(skeleton(tree_id, today=TODAY), encoding="utf-8")
    return path


def test_skeleton_validates_without_any_problem(tmp_path: Path) -> None:
    path = _write(tmp_path)
    loaded, problems = load_file(path)
    assert problems == []
    assert loaded is not None and loaded.tree.id == "dns"
    catalog = load_catalog([str(path)])
    found = validate_catalog(catalog, today=TODAY)
    assert [p for p in found if p.level is not Severity.info] == []


def test_every_metadata_field_is_present_and_commented(tmp_path: Path) -> None:
    text = skeleton("dns", today=TODAY)
    data = read(text.encode()).data
    assert set(data) == set(Tree.model_fields)
    assert set(data["escalation"]) == {"L1", "L2", "L3"}
    for contact in data["escalation"].values():
        assert set(contact) == set(Contact.model_fields)
    assert set(data["review"]) == set(Review.model_fields)
    variable_keys = set(data["variables"]["host"]) | {"default"}  # default is shown commented
    assert variable_keys == set(Variable.model_fields)
    lines = text.splitlines()
    for key in Tree.model_fields:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        assert lines[at - 1].startswith("#"), f"{key} has no comment above it"


def test_one_node_of_each_kind_and_both_scenarios_pass(tmp_path: Path) -> None:
    loaded, _ = load_file(_write(tmp_path))
    assert loaded is not None
    kinds = sorted(node.kind for node in loaded.tree.nodes.values())
    assert kinds == ["action", "conclusion", "escalation", "question"]
    assert len(loaded.tree.scenarios) == 2


def test_review_dates_follow_today() -> None:
    text = skeleton("dns", today=TODAY)
    assert "last_updated: 2026-03-01" in text
    assert re.search(r"next_review: 2026-08-3\d", text)


@pytest.mark.parametrize("bad", ["", "Dns", "-dns", "has space", "a/b", "x" * 101, "dns\n"])
def test_invalid_ids_are_refused(bad: str) -> None:
    with pytest.raises(ScaffoldError):
        check_id(bad)


def test_new_command_stdout_file_and_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "dns", "--today", "2026-03-01"]) == 0
    assert capsys.readouterr().out == skeleton("dns", today=TODAY, path=None)
    assert main(["new", "dns", "-o", "trees/dns.yaml", "--today", "2026-03-01"]) == 0
    written = (tmp_path / "trees/dns.yaml").read_text()
    assert "dectree validate trees/dns.yaml" in written
    assert "dectree validate trees/dns.yaml" in capsys.readouterr().err
    assert main(["new", "dns", "-o", "trees/dns.yaml"]) == 2
    assert "exists; use --force" in capsys.readouterr().err
    assert main(["new", "dns", "-o", "trees/dns.yaml", "--force", "--today", "2026-03-02"]) == 0
    assert "last_updated: 2026-03-02" in (tmp_path / "trees/dns.yaml").read_text()
    assert main(["validate", "trees", "--strict", "--today", "2026-03-02"]) == 0


def test_new_command_rejects_a_bad_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "Bad Id"]) == 2
    assert "not a valid tree id" in capsys.readouterr().err


def test_a_date_whose_next_review_overflows_is_an_error() -> None:
    with pytest.raises(ScaffoldError, match="9999-12-31: too late a date"):
        skeleton("dns", today=dt.date(9999, 12, 31))


@pytest.mark.parametrize(
    "argv",
    [
        ["new", "x", "--today", "9999-12-31"],
        ["new", "x", "--today", "0001-01-01"],
        ["validate", "--today", "9999-12-31"],
        ["list", "--today", "9999-12-31"],
        ["stats", "--since", "0001-01-01"],
    ],
)
def test_dates_out_of_range_are_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"'{argv[-1]}' is out of range: a date from 1970-01-01 to 8999-12-31" in err
    assert "Traceback" not in err
