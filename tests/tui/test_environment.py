"""The suite passes whatever colour and size variables the developer's shell sets.

`NO_COLOR=1` once failed every snapshot test: the test setup (tests/conftest.py)
now clears the variables that change drawing. This runs one snapshot test in a
child pytest with the hostile variables set, as a developer's shell would.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT, drawing_variables

HOSTILE_ENV = {
    "NO_COLOR": "1",
    "FORCE_COLOR": "0",
    "CLICOLOR": "0",
    "COLORTERM": "",
    "COLUMNS": "40",
    "LINES": "10",
    "TEXTUAL_COLOR_SYSTEM": "standard",
    "TEXTUAL_ANIMATIONS": "none",
}


def test_the_variables_that_change_drawing_are_all_recognised() -> None:
    assert sorted(drawing_variables(HOSTILE_ENV)) == sorted(HOSTILE_ENV)
    assert drawing_variables({"PATH": "/bin", "HOME": "/root", "TERM": "xterm"}) == []


def test_snapshots_pass_with_no_color_and_friends_set() -> None:
    env = {**os.environ, **HOSTILE_ENV, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "tests/tui/test_snapshots.py::test_walk", "tests/tui/test_snapshots.py::test_help",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
