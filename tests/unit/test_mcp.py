"""`dectree mcp`: the real server driven by the SDK's own client, over stdio and HTTP.

Walks follow the shipped trees' own structure (a path to a chosen conclusion
worked out from the tree), so the tests hold as the trees grow. Every session
is then checked through the records commands: listed, shown by `resume
--show`, exported.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.shared.exceptions import MCPError
from mcp_types import Implementation

from dectree.model.catalog import load_catalog
from dectree.model.discovery import bundled_trees_dir
from dectree.model.tree import Action, Conclusion, Escalation, Question, Tree

ROOT = Path(__file__).resolve().parents[2]
TREES = ROOT / "trees"
TOOLS = {
    "trees",
    "search",
    "start",
    "step",
    "answer",
    "report_output",
    "back",
    "note",
    "set_variable",
    "finish",
    "export",
}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECTREE_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _stdio(sessions: Path, name: str = "test-client", mode: str = "auto") -> Client:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "dectree", "mcp", str(TREES), "--sessions-dir", str(sessions)],
        env=_env(),
        cwd=str(ROOT),
    )
    return Client(params, client_info=Implementation(name=name, version="1.0"), mode=mode)


def run(fn: Callable[[Client], Awaitable[Any]], sessions: Path, **kw: Any) -> Any:
    async def main() -> Any:
        async with _stdio(sessions, **kw) as client:
            return await fn(client)

    return asyncio.run(main())


async def call(client: Client, tool: str, **args: Any) -> dict[str, Any]:
    """A successful call's structured content (the SDK's client has checked it against the
    tool's output schema), after checking that the text block carries the same JSON."""
    result = await client.call_tool(tool, args)
    assert not result.is_error, f"{tool}({args}) failed: {result.content}"
    assert result.structured_content is not None
    [block] = result.content
    assert json.loads(getattr(block, "text", "")) == result.structured_content
    return result.structured_content


async def fails(client: Client, tool: str, **args: Any) -> str:
    result = await client.call_tool(tool, args)
    assert result.is_error, f"{tool}({args}) should fail, got {result.structured_content}"
    return " ".join(getattr(c, "text", "") for c in result.content)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dectree", *args],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=120,
    )


# -- paths through the shipped trees, worked out from the trees --------------------------


@pytest.fixture(scope="module")
def trees() -> dict[str, Tree]:
    catalog = load_catalog([str(TREES)])
    return {tid: loaded.tree for tid, loaded in catalog.trees.items()}


def _next_refs(node: Any) -> list[tuple[str, str]]:
    """(label, next ref) pairs a walk can take from `node`."""
    if isinstance(node, Question):
        return [(c.label, c.next) for c in node.choices]
    if isinstance(node, Action):
        return [("Done", node.next)]
    if isinstance(node, Escalation) and node.next:
        return [("Continue", node.next)]
    return []


def route(tree: Tree, start: str, target: str) -> list[str]:
    """Labels to answer, from `start` to `target` inside one tree (shortest)."""
    seen: dict[str, list[str]] = {start: []}
    frontier = [start]
    while frontier:
        nxt = []
        for nid in frontier:
            if nid == target:
                return seen[nid]
            for label, ref in _next_refs(tree.nodes[nid]):
                if ":" in ref:
                    continue
                if ref not in seen:
                    seen[ref] = [*seen[nid], label]
                    nxt.append(ref)
        frontier = nxt
    raise AssertionError(f"no path from {start} to {target} in {tree.id}")


def pick_conclusion(tree: Tree, *, with_escalation: bool) -> str:
    """A reachable conclusion; one whose `if_not_fixed` is an escalation if asked."""
    for nid, node in tree.nodes.items():
        if not isinstance(node, Conclusion):
            continue
        nf = node.if_not_fixed
        escalates = nf is not None and ":" not in nf and tree.nodes[nf].kind == "escalation"
        if escalates == with_escalation:
            try:
                route(tree, tree.start, nid)
            except AssertionError:
                continue
            return nid
    raise AssertionError("no such conclusion")


# -- the tests ---------------------------------------------------------------------------


def test_lists_tools_resources_and_the_diagnose_prompt(tmp_path: Path) -> None:
    async def go(client: Client) -> None:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == TOOLS
        for tool in tools.values():
            assert tool.description and len(tool.description) < 300
            assert tool.output_schema is not None, f"{tool.name} has no structured output"
        assert set(tools["answer"].input_schema["required"]) == {"session", "choice"}
        resources = {str(r.uri) for r in (await client.list_resources()).resources}
        assert "dectree://schema/tree" in resources
        assert {f"dectree://runbook/{t}" for t in ("database", "mcp", "performance")} <= resources
        runbook = await client.read_resource("dectree://runbook/database")
        assert "PostgreSQL" in runbook.contents[0].text
        schema = json.loads((await client.read_resource("dectree://schema/tree")).contents[0].text)
        assert "nodes" in schema["properties"]
        prompt = await client.get_prompt("diagnose", {"problem": "checkout is slow"})
        text = prompt.messages[0].content.text
        assert "checkout is slow" in text and "one question at a time" in text.lower()
        with pytest.raises(MCPError, match="problem"):
            await client.get_prompt("diagnose", {})
        with pytest.raises(MCPError, match="Unknown resource"):
            await client.read_resource("dectree://runbook/nope")
        listed = await call(client, "trees")
        assert {t["id"] for t in listed["result"]} >= {"database", "mcp", "authentication"}

    run(go, tmp_path)


def test_a_pasted_error_walked_to_a_conclusion_recorded_like_the_app(
    tmp_path: Path, trees: dict[str, Tree]
) -> None:
    database = trees["database"]
    target = pick_conclusion(database, with_escalation=False)
    literal = next(s for s in database.nodes[target].symptoms if len(s) > 12)

    async def go(client: Client) -> tuple[str, str]:
        found = await call(client, "search", query=literal)
        assert found["hits"] and found["hits"][0]["strength"] == "exact"
        entry = found["entry"]
        assert entry["kind"] in ("question", "action"), "search must never start cold on an end"
        step = await call(client, "start", query=literal, incident="INC-4242")
        session = step["session"]
        assert step["tree"] == entry["tree"] and step["node"] == entry["node"]
        assert step["kind"] == "question" and step["answers"] and step["checks"]
        # what a question does not have is left out, not sent as null or []
        assert not {"conclusion", "escalation", "contacts", "outcome"} & set(step)
        first = step["checks"][0]
        assert first["command"] and first["number"] == 1
        reported = await call(
            client, "report_output", session=session, check=1, output="total 12\nok\n", exit_code=0
        )
        assert reported["recorded"] and reported["step"]["node"] == step["node"]
        # a wrong answer, then back
        wrong = step["answers"][-1]["number"]
        await call(client, "answer", session=session, choice=wrong)
        back = await call(client, "back", session=session)
        assert back["node"] == step["node"]
        await call(client, "note", session=session, text="pool at 100/100 in pg_stat_activity")
        tree = trees[step["tree"]]
        for label in route(tree, step["node"], target):
            step = await call(client, "answer", session=session, choice=label)
        assert step["node"] == target and step["kind"] == "conclusion"
        assert step["conclusion"]["root_cause"] and step["conclusion"]["resolution"]
        commands = [s for s in step["conclusion"]["resolution"] if s.get("command")]
        assert commands, "the chosen conclusion has resolution commands"
        # a resolution command's run is kept on the step, redacted
        leak = "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
        ran = await call(client, "report_output", session=session, check=1, output=f"ok\n{leak}\n")
        assert ran["recorded"] and ran["suggested"] == []
        assert "eyJzdWIiOiIxIn0" not in json.dumps(ran)
        done = await call(client, "finish", session=session, fixed=True)
        assert done["state"] == "finished" and done["outcome"] in ("resolved", "workaround")
        md = await call(client, "export", session=session, format="md")
        assert "INC-4242" in md["text"] and "pool at 100/100" in md["text"]
        assert "eyJzdWIiOiIxIn0" not in md["text"]
        data = json.loads((await call(client, "export", session=session, format="json"))["text"])
        assert data["outcome"] in ("resolved", "workaround")
        return session, md["text"]

    session, markdown = run(go, tmp_path)
    listed = cli("sessions", "--sessions-dir", str(tmp_path))
    assert listed.returncode == 0 and session[:8] in listed.stdout
    shown = cli("resume", session, "--show", "--sessions-dir", str(tmp_path), "-t", str(TREES))
    assert shown.returncode == 0, shown.stderr
    assert "finished:" in shown.stdout and "pool at 100/100" in shown.stdout
    exported = cli("export", session, "--sessions-dir", str(tmp_path))
    assert exported.returncode == 0 and exported.stdout == markdown
    journal = next(tmp_path.iterdir()).read_text(encoding="utf-8")
    assert json.loads(journal.splitlines()[0])["engineer"] == "test-client"


def test_a_walk_to_an_escalation_and_a_walk_resumed_after_a_restart(
    tmp_path: Path, trees: dict[str, Tree]
) -> None:
    tree = trees["database"]
    target = pick_conclusion(tree, with_escalation=True)
    labels = route(tree, tree.start, target)

    async def first_half(client: Client) -> str:
        step = await call(client, "start", tree="database")
        for label in labels[:1]:
            step = await call(client, "answer", session=step["session"], choice=label)
        return str(step["session"])

    session = run(first_half, tmp_path)

    async def second_half(client: Client) -> dict[str, Any]:
        # a new server process: the walk comes back from its journal
        step = await call(client, "step", session=session)
        assert step["step"] == 2
        for label in labels[1:]:
            step = await call(client, "answer", session=session, choice=label)
        assert step["node"] == target
        step = await call(client, "finish", session=session, fixed=False)
        assert step["kind"] == "escalation" and step["escalation"]["level"] in ("L1", "L2", "L3")
        assert step["escalation"]["contact"]["team"]
        while step["state"] != "finished":
            step = await call(client, "finish", session=session, fixed=False)
        assert step["outcome"] == "escalated"
        return step

    run(second_half, tmp_path)
    md = cli("export", session, "--sessions-dir", str(tmp_path))
    assert md.returncode == 0 and "scalat" in md.stdout


def test_a_client_on_the_initialize_handshake_is_named_in_the_journal(tmp_path: Path) -> None:
    """Pre-2026 clients identify themselves in `initialize`, newer ones per request."""

    async def go(client: Client) -> None:
        await call(client, "start", tree="mcp")

    run(go, tmp_path, name="legacy-client", mode="legacy")
    header = json.loads(next(tmp_path.iterdir()).read_text(encoding="utf-8").splitlines()[0])
    assert header["engineer"] == "legacy-client"


def test_the_readme_snippet_configures_a_working_server(tmp_path: Path) -> None:
    """As a new user would: the Claude Desktop JSON from the README, launched by the SDK's client."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```json\n(\{\n  \"mcpServers\".*?)```", readme, re.S)
    assert snippet, "the README has no Claude Desktop snippet"
    config = json.loads(snippet.group(1))["mcpServers"]["dectree"]
    assert config["command"] == "dectree" and config["args"][0] == "mcp"
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "dectree", *config["args"], "--sessions-dir", str(tmp_path)],
        env=_env(),
        cwd=str(ROOT),
    )

    async def go() -> None:
        async with Client(params) as client:
            found = await call(client, "search", query="spawn npx ENOENT")
            assert found["entry"]["tree"] == "mcp"

    asyncio.run(go())


def test_bad_input_to_every_tool_is_a_tool_error_and_the_server_goes_on(tmp_path: Path) -> None:
    async def go(client: Client) -> None:
        assert "unknown session" in await fails(client, "step", session="feedbeef")
        assert "unknown session" in await fails(client, "step", session="../../../etc/passwd")
        assert "unknown tree" in await fails(client, "start", tree="nope")
        assert "no node" in await fails(client, "start", tree="database", node="nope")
        assert "give a tree" in await fails(client, "start")
        assert "empty" in await fails(client, "search", query="   ")
        step = await call(client, "start", tree="database")
        session = step["session"]
        n = len(step["answers"])
        assert f"choose 1-{n}" in await fails(client, "answer", session=session, choice=n + 1)
        assert "choose" in await fails(client, "answer", session=session, choice=0)
        assert "no answer labelled" in await fails(
            client, "answer", session=session, choice="[b]not a label[/b]"
        )
        assert "no check" in await fails(
            client, "report_output", session=session, check=99, output="x"
        )
        assert "variable" in await fails(
            client, "set_variable", session=session, name="nope", value="x"
        )
        assert "nothing to go back" in await fails(client, "back", session=session)
        assert "empty" in await fails(client, "note", session=session, text="  ")
        assert "format" in await fails(client, "export", session=session, format="pdf")
        assert "unknown session" in await fails(client, "export", session="0" * 32)
        # wrong types are refused by the input schema, not a crash, and the message names
        # the argument without echoing its value
        refused = await fails(client, "answer", session=session, choice=[1, 2])
        assert refused.startswith("bad arguments for answer: choice:"), refused
        assert "[1, 2]" not in refused
        refused = await fails(client, "report_output", session=session, check="x", output="y")
        assert "bad arguments for report_output: check:" in refused
        assert "choice: missing; give text or a whole number" in await fails(
            client, "answer", session=session
        )
        assert "Unknown tool: nope" in await fails(client, "nope")
        assert "variables.namespace: got 5; give text" in await fails(
            client, "start", tree="database", variables={"namespace": 5}
        )
        # an object sent as JSON text, as some clients do, is read as the object
        started = await call(client, "start", tree="database", variables='{"namespace": "prod-ns"}')
        assert "prod-ns" in json.dumps(started["checks"])
        await call(client, "finish", session=session, fixed=False)
        assert "ended" in await fails(client, "answer", session=session, choice=1)
        # still serving
        assert (await call(client, "step", session=session))["state"] == "finished"

    run(go, tmp_path)
    assert {p.parent for p in tmp_path.rglob("*") if p.is_file()} == {tmp_path}


def test_secrets_and_variables(tmp_path: Path, trees: dict[str, Tree]) -> None:
    secret = next(
        (tid, name) for tid, t in trees.items() for name, v in t.variables.items() if v.secret
    )
    tree_id, name = secret
    value = "s3cr3t-VALUE-xyz"

    async def go(client: Client) -> str:
        step = await call(client, "start", tree=tree_id, variables={name: value})
        session = step["session"]
        text = json.dumps(step)
        assert value not in text
        out = await call(
            client,
            "report_output",
            session=session,
            check=1,
            output=f"token={value}\n",
            exit_code=1,
        ) if step.get("checks") else {"step": step}
        assert value not in json.dumps(out)
        md = await call(client, "export", session=session, format="json")
        assert value not in md["text"]
        return str(session)

    run(go, tmp_path)
    for path in tmp_path.iterdir():
        assert value.encode() not in path.read_bytes()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_http_serves_loopback_and_refuses_a_foreign_origin_or_host(tmp_path: Path) -> None:
    import httpx2 as httpx

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dectree", "mcp", str(TREES), "--sessions-dir", str(tmp_path),
         "--http", f"127.0.0.1:{port}"],
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/mcp"

        async def go() -> None:
            async with Client(url) as client:
                tools = {t.name for t in (await client.list_tools()).tools}
                assert tools == TOOLS
                step = await call(client, "start", tree="mcp")
                assert step["answers"]

        asyncio.run(go())
        body = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
        headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
        evil = httpx.post(url, json=body, headers={**headers, "Origin": "http://evil.example"})
        assert evil.status_code in (403, 421), evil.status_code
        rebinding = httpx.post(url, json=body, headers={**headers, "Host": f"evil.example:{port}"})
        assert rebinding.status_code in (403, 421), rebinding.status_code
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_http_address_parsing_and_usage_errors() -> None:
    from dectree.commands.mcp import parse_http

    assert parse_http("127.0.0.1:8765") == ("127.0.0.1", 8765)
    assert parse_http("8765") == ("127.0.0.1", 8765)
    assert parse_http("[::1]:9000") == ("::1", 9000)
    for bad in ("127.0.0.1:x", "127.0.0.1:0", "host:70000"):
        with pytest.raises(ValueError):
            parse_http(bad)
    result = cli("mcp", "--http", "nope:port")
    assert result.returncode == 2 and "HOST:PORT" in result.stderr
    assert "Traceback" not in result.stderr
    result = cli("mcp", "/no/such/trees")
    assert result.returncode == 2 and "no such file" in result.stderr


def test_the_bundled_trees_are_what_the_server_serves_by_default() -> None:
    assert bundled_trees_dir().exists()


def test_a_step_is_made_once_per_state_of_the_walk_and_again_after_every_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`step` re-reads are served from the last view; any event of the session makes it stale."""
    import dectree.mcp.walks as walks_module
    from dectree.mcp.walks import Walks

    made: list[str] = []
    real_view = walks_module._view

    def counting(session: Any) -> Any:
        made.append(session.current.node_id)
        return real_view(session)

    monkeypatch.setattr(walks_module, "_view", counting)
    walks = Walks(load_catalog([str(TREES)]), tmp_path)
    first = walks.start(tree="database")
    session = first.session
    assert walks.step(session) is first and walks.step(session) is first
    assert made == ["start"]
    # a variable changes the filled commands
    with_ns = walks.set_variable(session, "namespace", "prod-ns")
    assert "prod-ns" in with_ns.checks[2].command and "prod-ns" not in first.checks[2].command
    assert walks.step(session) is with_ns
    moved = walks.answer(session, 1)
    assert moved.node != "start" and walks.step(session).node == moved.node
    again = walks.back(session)
    assert again.node == "start" and again.step == 1 and walks.step(session) is again
    assert made == ["start", "start", moved.node, "start"]
    # an event made on the session itself, not through a tool, makes the view stale too
    walks.walks[session].session.note("seen from the engine")
    assert walks.step(session) is not again
    assert len(made) == 5


def test_each_journaled_tool_call_waits_for_one_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal's durability contract costs one fsync per event, not more."""
    import dectree.records.writer as writer
    from dectree.mcp.walks import Walks

    synced: list[int] = []
    real_fsync = os.fsync

    def counting(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    walks = Walks(load_catalog([str(TREES)]), tmp_path)
    session = walks.start(tree="database").session
    monkeypatch.setattr(writer.os, "fsync", counting)
    for call in (lambda: walks.answer(session, 1), lambda: walks.back(session),
                 lambda: walks.note(session, "a note")):
        synced.clear()
        call()
        assert len(synced) == 1
    synced.clear()
    walks.step(session)
    assert synced == []
