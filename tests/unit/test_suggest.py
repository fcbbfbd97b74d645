"""`when:` rules: which answers a check's output suggests, in linear time on any output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dectree.check.scenarios import walk_scenario
from dectree.engine.suggest import RuleError, compile_rule, suggest
from dectree.model.tree import Question, Scenario, Tree

TREE = {
    "id": "t",
    "title": "T",
    "version": "1",
    "purpose": "p",
    "scope": "s",
    "review": {"last_updated": "2026-01-01", "updated_by": "me", "next_review": "2099-01-01"},
    "start": "q",
    "nodes": {
        "q": {
            "kind": "question",
            "prompt": "Is the disk full?",
            "checks": [
                {"run": "df -h /var", "name": "df"},
                {"run": "systemctl is-active db"},
            ],
            "choices": [
                {
                    "label": "Full",
                    "next": "full",
                    "when": [{"output": r"(?:9[5-9]|100)%\s+/var$", "check": "df"}],
                },
                {"label": "Down", "next": "down", "when": [{"exit": [3, 4], "check": 1}]},
                {
                    "label": "Fine",
                    "next": "fine",
                    "when": [{"output": "(?i)^active$", "exit": 0}],
                },
            ],
        },
        **{
            n: {"kind": "conclusion", "outcome": "resolved", "root_cause": n, "resolution": [{"do": "x"}]}
            for n in ("full", "down", "fine")
        },
    },
}


def question() -> Question:
    node = Tree.model_validate(TREE).nodes["q"]
    assert isinstance(node, Question)
    return node


def test_output_rule_suggests_with_the_matching_line() -> None:
    out = "Filesystem Size Used Avail Use% Mounted on\n/dev/sda1 50G 49G 1G 98% /var\n"
    [hit] = suggest(question(), 0, out, 0)
    assert (hit.label, hit.choice, hit.rule, hit.line_number) == ("Full", 0, 0, 2)
    assert hit.line == "/dev/sda1 50G 49G 1G 98% /var"


def test_rule_on_another_check_does_not_match() -> None:
    assert suggest(question(), 1, "/dev/sda1 50G 49G 1G 98% /var", 0) == []


def test_exit_codes_and_output_with_exit() -> None:
    assert [s.label for s in suggest(question(), 1, "inactive\n", 3)] == ["Down"]
    assert [s.label for s in suggest(question(), 1, "ACTIVE\n", 0)] == ["Fine"]
    assert suggest(question(), 1, "active\n", 1) == []  # output matches, exit does not
    assert suggest(question(), 1, "active\n", None) == []  # no exit code (timed out)


def test_bad_expressions_are_rule_errors() -> None:
    for bad in ("(a", "(?<=x)y", "a{1000}{1000}", r"\1"):
        with pytest.raises(RuleError):
            compile_rule(bad)


def test_hostile_output_and_patterns_finish(tmp_path: Path) -> None:
    # (a+)+$ on 'aaaa...b' takes exponential time with backtracking engines;
    # RE2 is linear. A subprocess with a generous limit guards against a hang.
    script = (
        "from dectree.engine.suggest import compile_rule\n"
        "for p in ['(a+)+$', '(a|a)*$', '(x+x+)+y', '(.*a){20}']:\n"
        "    compile_rule(p).search('a' * 1_000_000 + '!')\n"
        "print('done')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "done"


def scenario(**answer: object) -> Scenario:
    return Scenario.model_validate(
        {"name": "s", "incident": "i", "answers": [{"at": "q", **answer}], "expect": "full"}
    )


def test_scenario_output_must_suggest_the_answer() -> None:
    trees = {"t": Tree.model_validate(TREE)}
    good = scenario(choose="Full", output="/dev/sda1 50G 49G 1G 98% /var", check="df")
    assert walk_scenario(trees, "t", good)[1] is None
    wrong = scenario(choose="Full", output="/dev/sda1 50G 20G 30G 40% /var")
    reason = walk_scenario(trees, "t", wrong)[1]
    assert reason == "at q: the output suggests no answer; expected 'Full'"
    other = scenario(choose="Full", output="x", exit=4, check=1)
    assert "suggests 'Down'; expected only 'Full'" in (walk_scenario(trees, "t", other)[1] or "")


def test_text_that_is_not_valid_unicode_is_an_error_or_a_match_never_a_crash() -> None:
    with pytest.raises(RuleError):
        compile_rule("\ud800")
    assert [s.label for s in suggest(question(), 1, "\ud800ACTIVE\n", 0)] == []
    out = "/dev/sda1 50G 49G 1G 98% /var\ud800"
    assert [s.label for s in suggest(question(), 0, out, 0)] == []  # $ needs the line end
    assert [s.label for s in suggest(question(), 0, out[:-1] + "\n\ud800", 0)] == ["Full"]


rules = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "output": st.text(max_size=12),
            "exit": st.integers(-300, 300) | st.lists(st.integers(0, 5), max_size=3),
            "check": st.integers(-2, 4) | st.sampled_from(["df", "nope", "x"]),
        },
    ),
    max_size=3,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(when=rules, output=st.text(max_size=40), code=st.none() | st.integers(0, 5))
def test_any_rules_validate_and_evaluate_without_raising(
    when: list[dict[str, object]], output: str, code: int | None, tmp_path: Path
) -> None:
    import yaml

    from dectree.check.validate import validate_catalog
    from dectree.model.catalog import load_catalog

    data = json.loads(json.dumps(TREE))
    data["nodes"]["q"]["choices"][2]["when"] = when
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    catalog = load_catalog([str(path)])
    problems = validate_catalog(catalog)
    assert all(p.code for p in problems)
    if catalog.trees:
        node = catalog.trees["t"].tree.nodes["q"]
        assert isinstance(node, Question)
        for check in range(len(node.checks)):
            suggest(node, check, output, code)
