"""Filled commands keep every value inert, whatever quoting the placeholder stands in.

The property tests run the filled command in a real POSIX shell and check the
value arrives byte for byte, so quoting is checked by the shell, not by us.
Nested shells are real too: `sh -c`, `bash -c`, `eval`, and stub `ssh`,
`sudo` and `kubectl` programs on PATH that run their remote command in `sh`
(ssh joins its words with spaces, as OpenSSH does; kubectl and sudo exec
their argv).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dectree.engine.fill import fill
from dectree.engine.shellctx import UNPARSED, UNSAFE, contexts
from dectree.model.tree import placeholders

# Text a shell can carry in an argument: no NUL; keep it printable plus newline/tab.
chunks = st.sampled_from(
    ["'", '"', "$", "`", "\\", "\n", "\t", " ", "$(id)", "*", "!", "'\\''", "#", "?", "[a]",
     "~", ";", "&", "|", "\\'", '\\"', "${x}", "`id`", "-", "é", "\u202e", "> /tmp/p"]
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


# Nested contexts: the value must arrive through every layer byte for byte.
NESTED = {
    "dollar-paren-in-double": 'printf %s "$(printf %s {v}; printf .)"',
    "double-in-dollar-paren": 'printf %s "$(printf %s "x{v}y")"',
    "dollar-paren-bare": "printf %s $(printf %s {v} | od -An -v -tx1 | tr -d ' \\n')",
    "sh-c-single": "sh -c 'printf %s {v}'",
    "sh-c-single-double": "sh -c 'printf %s \"x{v}y\"'",
    "bash-c-double": 'bash -c "printf %s {v}"',
    "bash-lc-double-single": "bash -c \"printf %s 'x{v}y'\"",
    "eval": 'eval "printf %s {v}"',
    "ssh-double-sudo-sh-single": "ssh {h} \"sudo sh -c 'printf %s {v}'\"",
    "ssh-words": "ssh -p 22 {h} printf %s {v}",
    "ssh-single": "ssh -o BatchMode=yes {h} 'printf %s \"x{v}y\"'",
    "kubectl-sh-c": "kubectl exec -n ns deploy/web -- sh -c 'printf %s {v}'",
    "kubectl-argv": "kubectl exec -n ns deploy/web -- printf %s {v}",
    "sudo-u-sh-c": 'sudo -u postgres sh -c "printf %s {v}"',
    "timeout-bash-c": "timeout 5 bash -c 'printf %s \"{v}\"'",
    "env-sh-c-in-pipeline": "true | env A=1 sh -c 'printf %s {v}' | cat",
    "assignment": "X={v} sh -c 'printf %s \"$X\"'",
    "beside-arithmetic": 'for n in 1; do printf %s "$((n - 1))"{v}; done',
}
NESTED_EXPECTED = {
    "dollar-paren-in-double": "{}.",
    "double-in-dollar-paren": "x{}y",
    "sh-c-single-double": "x{}y",
    "bash-lc-double-single": "x{}y",
    "ssh-single": "x{}y",
    "beside-arithmetic": "0{}",
}

STUB_SSH = """#!/bin/sh
# ssh [options] destination command...: run the command words, joined, in sh.
while [ $# -gt 0 ]; do
  case "$1" in
    -[BbcDEeFIiJLlmOoPpQRSWw]) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
shift
exec sh -c "$*"
"""
STUB_KUBECTL = """#!/bin/sh
# kubectl exec ... -- argv: exec the argv (as the container runtime does).
while [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done
shift
exec "$@"
"""
STUB_SUDO = """#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in
    -[ugp]) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
exec "$@"
"""


@pytest.fixture(scope="module")
def stub_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    bin_dir = tmp_path_factory.mktemp("stub-bin")
    for name, body in (("ssh", STUB_SSH), ("kubectl", STUB_KUBECTL), ("sudo", STUB_SUDO)):
        path = bin_dir / name
        path.write_text(body)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"


def run_sh(command: str, path: str | None = None, cwd: Path | None = None) -> str:
    env = dict(os.environ, PATH=path) if path else None
    return subprocess.run(
        ["sh", "-c", command],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
        env=env,
        cwd=cwd,
    ).stdout


@pytest.mark.parametrize("context", sorted(TEMPLATES))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=values)
def test_value_reaches_the_command_intact(context: str, value: str) -> None:
    filled = fill(TEMPLATES[context], {"v": value})
    assert run_sh(filled.text) == EXPECTED[context].format(value)


@pytest.mark.parametrize("context", sorted(NESTED))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=values)
def test_value_survives_every_nested_shell(
    context: str, value: str, stub_path: str, tmp_path: Path
) -> None:
    filled = fill(NESTED[context], {"v": value, "h": "db1"})
    assert filled.complete, filled.refused
    out = run_sh(filled.text, stub_path, tmp_path)
    if context == "dollar-paren-bare":
        assert bytes.fromhex(out).decode() == value
    else:
        expected = NESTED_EXPECTED.get(context, "{}").format(value)
        assert out == expected
    assert list(tmp_path.iterdir()) == []  # nothing injected wrote a file


def test_the_reported_injection_is_closed(tmp_path: Path) -> None:
    target = tmp_path / "p"
    filled = fill('echo "$(printf %s {v})"', {"v": f"x; touch {target}"})
    assert run_sh(filled.text) == f"x; touch {target}\n"
    assert not target.exists()


REFUSED = {
    "backticks": ("echo `printf %s {v}`", UNSAFE),
    "backticks-in-double": ('echo "`printf %s {v}`"', UNSAFE),
    "comment": ("ls  # for {v}", UNSAFE),
    "here-document": ("cat <<EOF\n{v}\nEOF", UNSAFE),
    "quoted-here-document": ("cat <<'EOF'\n{v}\nEOF", UNSAFE),
    "parameter-default": ('echo "${X:-{v}x}"', UNSAFE),
    "ansi-c": ("printf %s $'{v}'", UNSAFE),
    "program": ("{v} --version", UNSAFE),
    "program-under-sudo": ("sudo -u root {v} status", UNSAFE),
    "script-is-the-value": ("sh -c {v}", UNSAFE),
    "nested-backticks": ("ssh {h} 'echo `cat {v}`'", UNSAFE),
    "arithmetic": ("echo $((1 + {v}))", UNSAFE),
    "arithmetic-command": ("(( {v} > 1 )) && echo x", UNSAFE),
    "unparsable": ("echo 'x {v}", UNPARSED),
    "unparsable-nested": ("sh -c 'echo \"{v}'", UNPARSED),
}


@pytest.mark.parametrize("context", sorted(REFUSED))
def test_unsafe_places_are_refused(context: str, tmp_path: Path) -> None:
    template, code = REFUSED[context]
    place = [c for c in contexts(template) if not c.safe]
    assert place and place[-1].code == code and place[-1].reason
    filled = fill(template, {"v": f"x; touch {tmp_path}/p", "h": "db1"})
    assert not filled.complete
    assert [name for name, _ in filled.refused] == ["v"]
    assert "touch" not in filled.text and "{v}" in filled.text


def test_ssh_destination_starting_with_a_dash_is_refused() -> None:
    filled = fill("ssh {h} uptime", {"h": "-oProxyCommand=touch /tmp/x"})
    assert filled.refused and "option" in filled.refused[0][1]
    assert fill("ssh {h} uptime", {"h": "db-1"}).complete


def test_contexts_name_every_layer() -> None:
    [host, data] = contexts("ssh {h} \"sudo sh -c 'ls {d}/'\"")
    assert host.layers == ("outside",) and host.option_position
    assert data.layers == ("double", "single", "outside")


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


shell_text = st.lists(
    st.sampled_from(
        ["{v}", "'", '"', "$(", ")", "`", "\\", "\n", " ", "#", "<<EOF\n", "EOF", "${", "}",
         "$((", "))", "sh -c ", "ssh h ", "|", ";", "&&", "(", "<x>", "time ", "if ", "fi", "\\{v}"]
    )
    | st.text(max_size=4),
    max_size=20,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(template=shell_text)
def test_any_command_gets_a_context_per_placeholder_never_an_exception(template: str) -> None:
    places = contexts(template)
    assert len(places) == len(placeholders(template))
    for place in places:
        assert place.safe or (place.code in (UNSAFE, UNPARSED) and place.reason)
    filled = fill(template, {"v": "x'; touch /tmp/dt-pwn #"})
    for name, why in filled.refused:
        assert name == "v" and why


def _direct(template: str) -> dict[int, object]:
    from dectree.engine import shellctx

    pieces, pos, count = [], 0, 0
    for match in shellctx.PLACEHOLDER_RE.finditer(template):
        pieces += [shellctx.unescape(template[pos : match.start()]), f"%DTPH{count}%"]
        count, pos = count + 1, match.end()
    pieces.append(shellctx.unescape(template[pos:]))
    return dict(shellctx._script("".join(pieces), 0))


def shipped_commands() -> list[str]:
    from dectree.model.catalog import load_catalog
    from dectree.model.tree import node_commands

    catalog = load_catalog([str(Path(__file__).parents[2] / "trees")])
    return sorted(
        {c for t in catalog.trees.values() for n in t.tree.nodes.values() for c in node_commands(n)}
    )


def test_shapes_give_the_same_contexts_as_the_commands_themselves() -> None:
    templates = [*shipped_commands(), *NESTED.values(), *(t for t, _ in REFUSED.values())]
    assert len(templates) > 500
    for template in templates:
        direct = _direct(template)
        shaped = contexts(template)
        for i, place in enumerate(shaped):
            expected = direct.get(i)
            if expected is None:
                assert not place.safe
            else:
                assert (place.layers, place.code, place.option_position) == (
                    expected.layers,  # type: ignore[attr-defined]
                    expected.code,  # type: ignore[attr-defined]
                    expected.option_position,  # type: ignore[attr-defined]
                ), template


@settings(max_examples=300, deadline=None)
@given(template=shell_text)
def test_shapes_agree_on_any_command(template: str) -> None:
    direct = _direct(template)
    for i, place in enumerate(contexts(template)):
        expected = direct.get(i)
        if expected is None:
            assert not place.safe
        else:
            assert (place.layers, place.code) == (expected.layers, expected.code)  # type: ignore[attr-defined]


def test_an_unclosed_parameter_expansion_is_refused_not_an_endless_loop() -> None:
    """bashlex loops forever (memory growing) on a `${` with no `}` in its word; a
    tree's command like that would hang `dectree validate`. Run in a child with a
    time limit, so a regression fails instead of hanging the suite."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        """
        from dectree.engine.shellctx import contexts
        from dectree.engine.fill import fill
        [place] = contexts("x'{v}${fi`${,<x>'")  # the word bashlex looped on
        assert not place.safe and "bad substitution" in place.reason, place
        for template in ("x'{v}${fi`${,<x>'", "echo ${ {v}", "a=${b {v}"):
            assert all(not p.safe for p in contexts(template)), template
            assert fill(template, {"v": "x"}).refused, template
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_the_shell_parser_is_loaded_only_to_fill_a_value() -> None:
    """A command shown with its placeholders unfilled needs no shell analysis: the
    parser's import builds its tables (about 0.3 s), which a first node should not wait for."""
    code = (
        "import sys\n"
        "from dectree.engine.fill import fill\n"
        "shown = fill('ssh {h} \"ls {v}\"', {})\n"
        "assert shown.missing == ('h', 'v') and shown.text == 'ssh {h} \"ls {v}\"', shown\n"
        "print('bashlex' in sys.modules)\n"
        "filled = fill('ssh {h} \"ls {v}\"', {'h': 'db1', 'v': 'a b'})\n"
        "print(filled.text, 'bashlex' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == ["False", "ssh db1 \"ls 'a b'\" True"]
