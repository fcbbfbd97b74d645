"""The MCP server: `dectree.mcp.walks.Walks` as tools, runbooks as resources, a prompt.

Built on the official SDK's `MCPServer`. Every tool is a thin wrapper: it
calls one `Walks` method and returns its pydantic model as structured output;
a `ToolFailure` becomes a tool error (`isError`) with the message, so a model
can correct its call. Nothing a client sends can crash the server: any other
exception is reported by the SDK as a tool error too.

Over HTTP the SDK's transport security checks `Host` and `Origin` against the
addresses the server was told to serve (loopback by default), which blocks DNS
rebinding, as the project's own MCP tree advises.
"""

# No `from __future__ import annotations`: the SDK reads the tools' annotations at run time,
# and they name types local to `build_server`.

import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar, cast

from pydantic import BaseModel, Field

from dectree.mcp.walks import (
    Exported,
    Reported,
    SearchResult,
    Step,
    ToolFailure,
    TreeInfo,
    Walks,
)

T = TypeVar("T")

INSTRUCTIONS = """\
dectree walks reviewed troubleshooting trees (performance, connectivity,
authentication, database, MCP server connectivity). Search the symptom, start a
walk, and answer one question at a time from what the checks show. Run a check
only with the user's approval, in the user's terminal; report what you ran with
report_output. Never answer for a check you did not run: ask the user instead.
End at the tree's conclusion (finish with fixed=true or false) or its
escalation, and export the transcript for the incident ticket."""

DIAGNOSE = """\
Diagnose this problem with dectree's decision trees: {problem}

1. Call search with the exact error text (or a one-sentence description).
2. Call start with query=... (or tree=... if you know the area). Pass incident if there is one.
3. At each step: read the prompt and the checks. Ask the user before running a check;
   run it in their terminal, then call report_output with its output and exit code.
4. Answer with answer(session, choice) using the number or exact label. Choose from
   what the output shows, never from a guess; if unsure, ask the user or add a note.
5. If an answer was wrong, call back. Add notes for anything worth keeping.
6. At a conclusion, explain the root cause and resolution to the user, apply it only
   with their approval, then finish(session, fixed=true|false).
   At an escalation, name the contact and what to attach.
7. Call export(session, 'md') and give the user the transcript.
Claim only what a check showed. One question at a time."""


def client_name(ctx: Any) -> str | None:
    """The connected client's name: from `initialize`, or from the request's envelope (2026-07-28)."""
    try:
        request = ctx.request_context
    except (AttributeError, ValueError):
        return None
    params = getattr(getattr(request, "session", None), "client_params", None)
    name = getattr(getattr(params, "client_info", None), "name", None)
    if isinstance(name, str):
        return name
    info = (getattr(request, "meta", None) or {}).get("io.modelcontextprotocol/clientInfo")
    name = info.get("name") if isinstance(info, dict) else None
    return name if isinstance(name, str) else None


def build_server(walks: Walks, *, runbooks: dict[str, str] | None = None) -> Any:
    """An `MCPServer` serving `walks`; `runbooks` maps tree id to rendered Markdown."""
    from mcp.server.mcpserver import Context, MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp_types import CallToolResult, TextContent

    from dectree import __version__

    server = MCPServer(
        "dectree",
        title="dectree troubleshooting trees",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",
    )

    # Tools are coroutines: the SDK runs plain functions in a worker thread, and the
    # hand-off cost more than the work (about 0.3 ms a step; each journaled event
    # is one fsync, which a walk waits for anyway).
    #
    # The result goes out as one `CallToolResult`: the structured content, and the same
    # JSON, compact, as the text block older clients read (the SDK's default indents it,
    # and the transport's cost grows with the size: a step took twice as long).
    def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            result = fn(*args, **kwargs)
        except ToolFailure as exc:
            raise ToolError(str(exc)) from None
        if not isinstance(result, BaseModel):
            return result
        data = result.model_dump(mode="json")
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        packed = CallToolResult(
            content=[TextContent(type="text", text=text)], structured_content=data
        )
        return cast(T, packed)  # the SDK checks `data` against T's output schema

    Session = Annotated[str, Field(description="The session id start returned")]

    @server.tool(description="List the troubleshooting trees: id, title, purpose, size.")
    async def trees() -> list[TreeInfo]:
        return walks.trees()

    @server.tool(
        description="Find where to start from an error message or a one-sentence description. "
        "Hits carry a strength (exact, strong, weak); entry is where start(query=...) begins."
    )
    async def search(
        query: Annotated[str, Field(description="Pasted error text or a description")],
        limit: Annotated[int, Field(ge=1, le=50)] = 10,
    ) -> SearchResult:
        return call(walks.search, query, limit)

    @server.tool(
        description="Start a walk in a tree (tree=...) or from a search (query=...). "
        "Returns the session id and the first step."
    )
    async def start(
        ctx: Context,
        tree: Annotated[str | None, Field(description="Tree id, from trees")] = None,
        query: Annotated[str | None, Field(description="Error text or description")] = None,
        node: Annotated[str | None, Field(description="Node id to start at (with tree)")] = None,
        incident: Annotated[str | None, Field(description="Incident or ticket id")] = None,
        variables: Annotated[
            dict[str, str] | None, Field(description="Values for {placeholders} in commands")
        ] = None,
    ) -> Step:
        return call(
            walks.start,
            tree=tree,
            query=query,
            node=node,
            incident=incident,
            variables=variables,
            engineer=client_name(ctx),
        )

    @server.tool(description="The current step of a walk: prompt, checks, answers.")
    async def step(session: Session) -> Step:
        return call(walks.step, session)

    @server.tool(
        description="Answer the current question by number (1-based) or exact label; "
        "'Done' after an action, 'Continue' after a non-final escalation."
    )
    async def answer(
        session: Session,
        choice: Annotated[str | int, Field(description="Answer number or label")],
    ) -> Step:
        return call(walks.answer, session, choice)

    @server.tool(
        description="Record the output of a check you ran (with the user's approval). "
        "Secrets are redacted before it is written. Returns answers the tree suggests, if any."
    )
    async def report_output(
        session: Session,
        check: Annotated[int, Field(description="Check number from the step")],
        output: Annotated[str, Field(description="What the command printed")],
        exit_code: Annotated[int | None, Field(description="Its exit status")] = None,
    ) -> Reported:
        return call(walks.report_output, session, check, output, exit_code)

    @server.tool(description="Undo the last answer.")
    async def back(session: Session) -> Step:
        return call(walks.back, session)

    @server.tool(description="Attach a note to the current step (kept in the transcript).")
    async def note(session: Session, text: str) -> Step:
        return call(walks.note, session, text)

    @server.tool(description="Set a variable the commands use, e.g. host or namespace.")
    async def set_variable(session: Session, name: str, value: str) -> Step:
        return call(walks.set_variable, session, name, value)

    @server.tool(
        description="End or go on at a conclusion: fixed=true if the resolution fixed it; "
        "fixed=false follows the tree (usually to an escalation). At an escalation, "
        "fixed=false ends the walk as escalated."
    )
    async def finish(session: Session, fixed: bool) -> Step:
        return call(walks.finish, session, fixed)

    @server.tool(description="The walk's transcript: 'md' for an incident ticket, or 'json'.")
    async def export(
        session: Session,
        format: Annotated[str, Field(description="'md' or 'json'")] = "md",
    ) -> Exported:
        return call(walks.export, session, format)

    for tree_id, markdown in sorted((runbooks or {}).items()):
        _add_runbook(server, tree_id, markdown)

    @server.resource(
        "dectree://schema/tree",
        name="tree-schema",
        description="JSON Schema of the tree format",
        mime_type="application/json",
    )
    def tree_schema() -> str:
        import json

        from dectree.model.tree import Tree

        return json.dumps(Tree.model_json_schema(), indent=2)

    @server.prompt(name="diagnose", description="Walk a problem through dectree's trees.")
    def diagnose(problem: str) -> str:
        return DIAGNOSE.format(problem=problem)

    return server


def _add_runbook(server: Any, tree_id: str, markdown: str) -> None:
    @server.resource(  # type: ignore[untyped-decorator]
        f"dectree://runbook/{tree_id}",
        name=f"runbook-{tree_id}",
        description=f"The {tree_id} tree rendered as a runbook",
        mime_type="text/markdown",
    )
    def runbook() -> str:
        return markdown


def runbooks_for(walks: Walks) -> dict[str, str]:
    """Each tree rendered as a Markdown runbook, as `dectree render` writes it."""
    from dectree.render.formats import render

    return {tree_id: render(loaded.tree, "markdown") for tree_id, loaded in walks.catalog.trees.items()}


def serve(
    walks: Walks,
    *,
    http: tuple[str, int] | None = None,
    allowed_hosts: list[str] | None = None,
    allowed_origins: list[str] | None = None,
) -> None:
    """Serve over stdio, or Streamable HTTP at `http` with Host/Origin checks."""
    server = build_server(walks, runbooks=runbooks_for(walks))
    if http is None:
        server.run("stdio")
        return
    host, port = http
    server.run(
        "streamable-http",
        host=host,
        port=port,
        transport_security=transport_security(host, port, allowed_hosts, allowed_origins),
    )


def transport_security(
    host: str,
    port: int,
    allowed_hosts: list[str] | None = None,
    allowed_origins: list[str] | None = None,
) -> Any:
    """Host and Origin must name this server (loopback by default) or one allowed by name."""
    from mcp.server.transport_security import TransportSecuritySettings

    names = {host, "127.0.0.1", "localhost", "[::1]"} if _loopback(host) else {host}
    hosts = sorted({f"{n}:{port}" for n in names} | set(allowed_hosts or []))
    origins = sorted(
        {f"{scheme}://{n}:{port}" for n in names for scheme in ("http", "https")}
        | set(allowed_origins or [])
    )
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )


def _loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1", "[::1]") or host.startswith("127.")


__all__ = ["build_server", "client_name", "serve", "transport_security"]
