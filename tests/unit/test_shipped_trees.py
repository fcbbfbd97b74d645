"""The trees we ship pass the strictest checks: validate --strict and their scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from dectree.cli import main

TREES = Path(__file__).resolve().parents[2] / "trees"


def test_shipped_trees_validate_strict(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--strict", str(TREES)])
    out = capsys.readouterr().out
    assert code == 0, out


def test_shipped_trees_scenarios_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["test", "--strict", str(TREES)])
    out = capsys.readouterr().out
    assert code == 0, out
