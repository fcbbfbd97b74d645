"""The content rules beside the per-code fixtures: which answers count as a way
out (DT225), what counts as symptoms (DT226), which placeholders need an
example (DT227), and how each level weighs under `validate --strict`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dectree.check.validate import WAY_OUT_RE, validate_catalog
from dectree.cli import main
from dectree.model.catalog import load_catalog
from dectree.source.problems import Problem

TODAY = dt.date(2026, 11, 26)

HEAD = """\
id: t
title: Example
version: "1"
purpose: Purpose.
scope: Scope.
escalation:
  L1: {team: first line, channel: "#l1", when: stuck}
review: {last_updated: 2026-01-01, updated_by: me, next_review: 2099-01-01}
"""


def problems(tmp_path: Path, body: str) -> list[Problem]:
    path = tmp_path / "t.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return validate_catalog(load_catalog([str(path)]), today=TODAY)


def codes(found: list[Problem], code: str) -> list[Problem]:
    return [p for p in found if p.code == code]


def question(labels: list[str]) -> str:
    choices = "".join(f"      - label: {label!r}\n        next: done\n" for label in labels)
    return f"""\
start: q
nodes:
  q:
    kind: question
    prompt: What do you see?
    checks: [{{run: "true"}}]
    choices:
{choices}  done:
    kind: conclusion
    outcome: resolved
    root_cause: Cause.
    symptoms: [seen]
    resolution: [{{do: Fix it.}}]
"""


@pytest.mark.parametrize(
    "label",
    [
        "None of these",
        "none of the above",
        "None of these: the plan looks right",
        "Other",
        "Other error (invalid_scope)",
        "Other: application code",
        "Neither",
        "Not sure",
        "Unsure which engine",
        "Unknown",
        "Cannot tell yet",
        "I don't know",
        "Something else",
        "(Other status)",
    ],
)
def test_way_out_labels(label: str) -> None:
    assert WAY_OUT_RE.match(label)


@pytest.mark.parametrize(
    "label", ["Another status", "Otherwise healthy", "No", "Nonexistent user", "401 from the proxy"]
)
def test_answers_that_are_not_a_way_out(label: str) -> None:
    assert not WAY_OUT_RE.match(label)


def test_way_out_needed_only_past_two_answers(tmp_path: Path) -> None:
    assert codes(problems(tmp_path, question(["Yes", "No"])), "DT225") == []
    found = codes(problems(tmp_path, question(["401", "403", "500"])), "DT225")
    assert [(p.line, p.level.value) for p in found] == [(15, "info")]
    assert "3 answers" in found[0].message
    assert codes(problems(tmp_path, question(["401", "403", "Other status"])), "DT225") == []


CONCLUSION = """\
start: done
nodes:
  done:
    kind: conclusion
    outcome: resolved
    root_cause: Cause.
{symptoms}    resolution: [{{do: Fix it.}}]
"""


@pytest.mark.parametrize(
    ("symptoms", "expected"),
    [
        ("", 1),
        ("    symptoms: []\n", 1),
        ('    symptoms: ["", "  "]\n', 1),
        ("    symptoms: [x]\n", 0),
    ],
)
def test_conclusion_symptoms(tmp_path: Path, symptoms: str, expected: int) -> None:
    found = codes(problems(tmp_path, CONCLUSION.format(symptoms=symptoms)), "DT226")
    assert len(found) == expected
    assert all(p.line == 11 and p.level.value == "warning" for p in found)


VARIABLES = """\
variables:
  host: {{description: Host.{host}}}
  port: {{description: Port.{port}}}
start: q
nodes:
  q:
    kind: question
    prompt: Does it answer?
    checks:
      - run: nc -vz {{host}} {{port}}
        look_for: an answer from {{host}}
    choices:
      - label: "Yes"
        next: fix
      - label: "No"
        next: fix
  fix:
    kind: action
    prompt: Restart it.
    commands:
      - run: ssh {{host}} sudo systemctl restart app
    next: done
  done:
    kind: conclusion
    outcome: resolved
    root_cause: Cause.
    symptoms: [seen]
    resolution:
      - do: Open {{port}}.
        run: ssh {{host}} true
"""


def test_placeholder_without_example(tmp_path: Path) -> None:
    found = codes(problems(tmp_path, VARIABLES.format(host="", port="")), "DT227")
    # one warning per variable, at its first command, counting the others
    assert [(p.line, p.level.value) for p in found] == [(18, "warning"), (18, "warning")]
    by_name = {p.message.split("}")[0].lstrip("{"): p.message for p in found}
    assert "(and 2 more commands)" in by_name["host"]
    assert "more" not in by_name["port"]


def test_example_or_default_satisfies_it(tmp_path: Path) -> None:
    body = VARIABLES.format(host=", example: db1", port=", default: '5432'")
    assert codes(problems(tmp_path, body), "DT227") == []


def test_placeholder_only_in_prose_needs_no_example(tmp_path: Path) -> None:
    body = VARIABLES.format(host=", example: db1", port="").replace(
        "nc -vz {host} {port}", "nc -vz {host} 5432"
    )
    # {port} is left only in a resolution step's `do`, which is text, not a command
    assert codes(problems(tmp_path, body), "DT227") == []


def test_undeclared_variable_is_dt214_only(tmp_path: Path) -> None:
    body = VARIABLES.format(host=", example: db1", port=", example: '1'").replace(
        "nc -vz {host} {port}", "nc -vz {hots} {port}"
    )
    found = problems(tmp_path, body)
    assert codes(found, "DT214") and not codes(found, "DT227")


def test_strict_fails_on_the_warnings_not_on_the_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note_only = tmp_path / "note" / "t.yaml"
    note_only.parent.mkdir()
    note_only.write_text(HEAD + question(["401", "403", "500"]), encoding="utf-8")
    assert main(["validate", "--strict", "--today", "2026-11-26", str(note_only)]) == 0
    warned = tmp_path / "warned" / "t.yaml"
    warned.parent.mkdir()
    warned.write_text(HEAD + CONCLUSION.format(symptoms=""), encoding="utf-8")
    assert main(["validate", "--today", "2026-11-26", str(warned)]) == 0
    assert main(["validate", "--strict", "--today", "2026-11-26", str(warned)]) == 1
    assert " DT226 " in capsys.readouterr().out


def test_each_rule_is_judged_on_its_own(tmp_path: Path) -> None:
    """Rules that can match pass; each kind of rule that cannot gets its code at its line."""
    found = problems(
        tmp_path,
        """\
start: q
nodes:
  q:
    kind: question
    prompt: Is it up?
    checks: [{run: "ping -c1 web-1", name: ping}, {run: "sudo reboot", runnable: false}]
    choices:
      - label: "Yes"
        next: done
        when:
          - {output: "0% packet loss"}
          - {exit: 0, check: ping}
      - label: "No"
        next: bare
        when:
          - {check: ping}
          - {output: "(", check: ping}
          - {exit: 1, check: 1}
          - {output: up, check: pnig}
          - {output: up, check: 2}
  bare:
    kind: question
    prompt: Still down?
    choices:
      - label: "Yes"
        next: done
        when: [{exit: 0}]
      - label: "No"
        next: done
  done:
    kind: conclusion
    outcome: resolved
    root_cause: It was down.
    resolution: [{do: Start it.}]
""",
    )
    rules = [(p.line, p.column, p.code, p.message) for p in found if p.code in ("DT223", "DT224")]
    assert rules == [
        (24, 13, "DT223", "rule gives neither 'output' nor 'exit': it would never match"),
        (25, 22, "DT223", "output is not an RE2 expression: missing ): ("),
        (26, 13, "DT224", "rule on a check marked 'runnable: false': no run will ever give it output"),
        (27, 33, "DT224",
         "rule names check 'pnig', but the question has 2 check(s) (did you mean 'ping'?)"),
        (28, 33, "DT224", "rule names check 2, but the question has 2 check(s)"),
        (35, 16, "DT224", "rule on a question that has no checks"),
    ]
