"""Filled commands keep every value inert, whatever quoting the placeholder stands in.

The property tests run the filled command in a real POSIX shell and check the
value arrives byte for byte, so quoting is checked by the shell, not by us.
"""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dectree.engine.fill import fill

# Text a shell can carry in an argument: no NUL; keep it printable plus newline/tab.
chunks = st.sampled_from(
    ["'", '"', "$", "`", "\\", "\n", "\t", " ", "$(id)", "*", "!", "'\\''"]
) | st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
    max_size=5,
)
values = st.lists(chunks, max_size=8).map("".join)

TEMPLATES = {
    "bare": "printf %s {v}",
    "single": "printf %s 'x{v}y'",
    "double": 'printf %s "x{v}y"',
    "after-escaped-quote": "printf %s \\'{v}",
}
EXPECTED = {"bare": "{}", "single": "x{}y", "double": "x{}y", "after-escaped-quote": "'{}"}


def run_sh(command: str) -> str:
    return subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, check=True, timeout=10
    ).stdout


@pytest.mark.parametrize("context", sorted(TEMPLATES))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=values)
def test_value_reaches_the_command_intact(context: str, value: str) -> None:
    filled = fill(TEMPLATES[context], {"v": value})
    assert run_sh(filled.text) == EXPECTED[context].format(value)


def test_prose_gets_values_as_they_are() -> None:
    assert fill(
        "restart {unit} on {host}", {"unit": "nginx.service", "host": "web 1"}, shell=False
    ).text == ("restart nginx.service on web 1")


def test_missing_values_stay_visible_and_secrets_are_redacted() -> None:
    filled = fill(
        "psql -h {host} -U {user} password={pw}",
        {"user": "app", "pw": "s3 cr'et"},
        lambda name: name == "pw",
    )
    assert filled.missing == ("host",)
    assert filled.redacted == "psql -h {host} -U app password={pw}"
    assert "s3 cr" in filled.text


def test_escaped_braces_are_literal_not_placeholders() -> None:
    template = "kubectl get pods -n {ns} -o jsonpath='{range .items[*]}{.metadata.name} \\{end}'"
    filled = fill(template, {"ns": "prod"})
    assert (
        filled.text
        == "kubectl get pods -n prod -o jsonpath='{range .items[*]}{.metadata.name} {end}'"
    )
    assert filled.missing == ()
