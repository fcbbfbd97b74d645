"""The MCP server: `dectree.mcp.walks.Walks` as tools, runbooks as resources, a prompt.

Built on the official SDK's low-level `Server` with our own handlers, one table
of tools (`TOOLS`): each names its arguments model (the input schema, and the
validator of every call), its result model (the output schema) and the `Walks`
method it calls. A call validates its arguments, calls the method and sends the
model as structured content, without the fields left at their default (which
the schema marks optional), with the same JSON, compact, in a text block for
clients that read only text (as the specification advises). Bad input, a
`ToolFailure` or arguments the schema refuses, becomes a tool error (`isError`)
whose message says how to fix the call; any other exception is logged and
reported as a tool error too, so nothing a client sends crashes the server.

Why not the SDK's `MCPServer`: its per-call machinery (an arguments model built
from the function signature, a `Context`, the result checked again against the
output schema after we built it from that very model) cost about as much per call
as the rest of the SDK's handling of an echo (`docs/performance.md`).

Over HTTP the SDK's transport security checks `Host` and `Origin` against the
addresses the server was told to serve (loopback by default), which blocks DNS
rebinding, as the project's own MCP tree advises.
"""

from __future__ import annotations

import json
import logging
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import to_json

from dectree.mcp.walks import (
    Exported,
    Reported,
    SearchResult,
    Step,
    ToolFailure,
    TreeInfo,
    Walks,
)

logger = logging.getLogger("dectree.mcp")

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


# -- the tools' arguments --------------------------------------------------------------

SessionId = Annotated[str, Field(description="The session id start returned")]


class _Args(BaseModel):
    # Unknown arguments are ignored, as the SDK's own tool servers do.
    model_config = ConfigDict(extra="ignore")


class NoArgs(_Args):
    pass


class SearchArgs(_Args):
    query: Annotated[str, Field(description="Pasted error text or a description")]
    limit: Annotated[int, Field(ge=1, le=50)] = 10


class StartArgs(_Args):
    tree: Annotated[str | None, Field(description="Tree id, from trees")] = None
    query: Annotated[str | None, Field(description="Error text or description")] = None
    node: Annotated[str | None, Field(description="Node id to start at (with tree)")] = None
    incident: Annotated[str | None, Field(description="Incident or ticket id")] = None
    variables: Annotated[
        dict[str, str] | None, Field(description="Values for {placeholders} in commands")
    ] = None


class SessionArgs(_Args):
    session: SessionId


class AnswerArgs(_Args):
    session: SessionId
    choice: Annotated[
        str | int, Field(description="The answer's number, 1-based, or its exact label")
    ]


class ReportArgs(_Args):
    session: SessionId
    check: Annotated[
        int,
        Field(description="The check's number: checks[].number, or resolution[].check at a conclusion"),
    ]
    output: Annotated[str, Field(description="What the command printed")]
    exit_code: Annotated[
        int | None, Field(ge=-(2**31), le=2**32 - 1, description="Its exit status")
    ] = None


class NoteArgs(_Args):
    session: SessionId
    text: str


class VariableArgs(_Args):
    session: SessionId
    name: str
    value: str


class FinishArgs(_Args):
    session: SessionId
    fixed: bool


class ExportArgs(_Args):
    session: SessionId
    format: Annotated[str, Field(description="'md' or 'json'")] = "md"


# The trees tool's result: a list, wrapped in an object as structured content must be.
class TreeList(BaseModel):
    result: list[TreeInfo]


# -- the table of tools ------------------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    """One tool: what it takes, what it returns, and the `Walks` call behind it."""

    name: str
    description: str
    args: type[_Args]
    result: type[BaseModel]
    run: Callable[[Walks, Any, str | None], BaseModel]
    """(walks, validated arguments, client name) -> result."""


def _trees(walks: Walks, _: NoArgs, __: str | None) -> TreeList:
    return TreeList(result=walks.trees())


def _start(walks: Walks, a: StartArgs, client: str | None) -> Step:
    return walks.start(
        tree=a.tree, query=a.query, node=a.node, incident=a.incident,
        variables=a.variables, engineer=client,
    )


TOOLS: tuple[Tool, ...] = (
    Tool("trees", "List the troubleshooting trees: id, title, purpose, size.",
         NoArgs, TreeList, _trees),
    Tool("search",
         "Find where to start from an error message or a one-sentence description. "
         "Hits carry a strength (exact, strong, weak); entry is where start(query=...) begins.",
         SearchArgs, SearchResult, lambda w, a, _: w.search(a.query, a.limit)),
    Tool("start",
         "Start a walk in a tree (tree=...) or from a search (query=...). "
         "Returns the session id and the first step.",
         StartArgs, Step, _start),
    Tool("step", "The current step of a walk: prompt, checks, answers.",
         SessionArgs, Step, lambda w, a, _: w.step(a.session)),
    Tool("answer",
         "Answer the current question by number (1-based) or exact label; "
         "'Done' after an action, 'Continue' after a non-final escalation.",
         AnswerArgs, Step, lambda w, a, _: w.answer(a.session, a.choice)),
    Tool("report_output",
         "Record the output of a check you ran (with the user's approval). "
         "Secrets are redacted before it is written. Returns answers the tree suggests, if any.",
         ReportArgs, Reported,
         lambda w, a, _: w.report_output(a.session, a.check, a.output, a.exit_code)),
    Tool("back", "Undo the last answer.", SessionArgs, Step, lambda w, a, _: w.back(a.session)),
    Tool("note", "Add a note to the current step, after its earlier notes (all kept in the transcript).",
         NoteArgs, Step, lambda w, a, _: w.note(a.session, a.text)),
    Tool("set_variable", "Set a variable the commands use, e.g. host or namespace.",
         VariableArgs, Step, lambda w, a, _: w.set_variable(a.session, a.name, a.value)),
    Tool("finish",
         "End or go on at a conclusion: fixed=true if the resolution fixed it; "
         "fixed=false follows the tree (usually to an escalation). At an escalation, "
         "fixed=false ends the walk as escalated.",
         FinishArgs, Step, lambda w, a, _: w.finish(a.session, a.fixed)),
    Tool("export", "The walk's transcript: 'md' for an incident ticket, or 'json'.",
         ExportArgs, Exported, lambda w, a, _: w.export(a.session, a.format)),
)


def input_schema(args: type[_Args], name: str) -> dict[str, Any]:
    schema = args.model_json_schema()
    schema["title"] = f"{name}Arguments"
    return schema


def output_schema(result: type[BaseModel]) -> dict[str, Any]:
    return result.model_json_schema()


# -- one call ---------------------------------------------------------------------------


def call_tool(walks: Walks, name: str, arguments: dict[str, Any] | None, client: str | None) -> CallToolResult:
    """A `CallToolResult`: structured content and the same JSON as text, or a tool error."""

    tool = _BY_NAME.get(name)
    if tool is None:
        return _error(f"Unknown tool: {name}; tools: {', '.join(_BY_NAME)}")
    try:
        args = tool.args.model_validate(_pre_parse(tool.args, arguments or {}))
    except ValidationError as exc:
        return _error(f"bad arguments for {name}: {_problems(tool.args, exc)}")
    try:
        result = tool.run(walks, args, client)
    except ToolFailure as exc:
        return _error(str(exc))
    except OSError as exc:  # the system refused (no file descriptor, no space): not a bug
        _log(logging.ERROR, "tool %s: %s", name, exc)
        return _error(
            f"{name} could not be done: {exc.strerror or exc}; the server goes on "
            "(call step to see where the walk stands)"
        )
    except Exception:  # a bug must not take the server down
        _log(logging.ERROR, "tool %s raised", name, traceback=True)
        return _error(f"{name} failed inside dectree (a bug; the server goes on): see its log")
    # Fields left at their default (null, an empty list, false) are left out: a model reads
    # less, and the output schema marks exactly those fields optional.
    data = result.model_dump(mode="json", exclude_defaults=True)
    return CallToolResult(
        content=[TextContent(type="text", text=to_json(data).decode())], structured_content=data
    )


_BY_NAME = {tool.name: tool for tool in TOOLS}


def _log(level: int, message: str, *args: object, traceback: bool = False) -> None:
    """Log, never raising: formatting a traceback opens files, which fails without descriptors."""
    try:
        logger.log(level, message, *args, exc_info=traceback)
    except Exception:  # the log is the last thing that may break a call
        pass


def _error(message: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


def _problems(args: type[_Args], exc: ValidationError) -> str:
    """What is wrong with each argument and what it takes, for a model to fix the call.

    One message per argument: missing, or what was sent (its JSON type; a number
    as it is) and what is allowed, from the arguments model (type, range,
    description). No pydantic wording, no URLs, no text echoed back."""
    out: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        head, *rest = error["loc"] or ("arguments",)
        # keys inside an object argument, without the union member pydantic names
        # (choice.str, choice.int), which means nothing to the caller
        where = ".".join([str(head), *(str(p) for p in rest if p not in _UNION_TAGS)])
        if where in out:
            continue
        field = args.model_fields.get(str(head))
        if error["type"] == "missing":
            allowed = _allowed(field.annotation, field) if field is not None else "a value"
            out[where] = f"{where}: missing; give {allowed}"
            continue
        if field is not None and where == str(head):
            allowed = _allowed(field.annotation, field)
        else:
            allowed = _ALLOWED_BY_ERROR.get(error["type"].split("_")[0], error["msg"].lower())
        out[where] = f"{where}: got {_sent(error.get('input'))}; give {allowed}"
    return "; ".join(out.values())


_UNION_TAGS = frozenset({"str", "int", "bool", "float", "none", "list", "dict"})
_ALLOWED_BY_ERROR = {"string": "text", "int": "a whole number", "bool": "true or false",
                     "dict": "an object", "list": "a list"}


def _allowed(annotation: Any, field: FieldInfo | None = None) -> str:
    """What an argument of this type takes, in words: 'a whole number from 1 to 50 (...)'."""
    import types
    import typing

    parts = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    words = []
    for part in parts:
        origin = typing.get_origin(part) or part
        if part is type(None):
            continue
        if part is bool:
            words.append("true or false")
        elif part is int:
            low = next((m.ge for m in (field.metadata if field else []) if hasattr(m, "ge")), None)
            high = next((m.le for m in (field.metadata if field else []) if hasattr(m, "le")), None)
            span = f" from {low} to {high}" if low is not None and high is not None else ""
            words.append(f"a whole number{span}")
        elif part is str:
            words.append("text")
        elif origin is dict:
            words.append("an object of names to text values")
        else:
            words.append(getattr(part, "__name__", str(part)))
    text = " or ".join(words) or "a value"
    if type(None) in parts:
        text += ", or leave it out"
    description = field.description if field is not None else None
    return f"{text} ({description[:1].lower()}{description[1:]})" if description else text


def _sent(value: Any) -> str:
    """What the caller sent, by JSON type; a number or a short word as it is."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**12 else "a number far out of range"
    if isinstance(value, float):
        if value != value or abs(value) >= 1e15:  # NaN, infinities, huge
            return "a number"
        return repr(value) if value.is_integer() else f"{value!r}, a fraction"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) <= 20 and value.isprintable() else "text"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _takes_text(annotation: Any) -> bool:
    """Whether a field accepts a string as such (`str`, `str | None`, `int | str` ...)."""
    if annotation is str:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _takes_text(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_takes_text(arg) for arg in typing.get_args(annotation))
    return False  # dict[str, str] takes an object, not text


def _pre_parse(args: type[_Args], arguments: dict[str, Any]) -> dict[str, Any]:
    """Object and list arguments sent as JSON text (some clients do) parsed into values."""
    out = dict(arguments)
    for key, value in arguments.items():
        field = args.model_fields.get(key)
        if field is None or _takes_text(field.annotation) or not isinstance(value, str):
            continue  # text stays text: a pasted JSON log line is a query, not an object
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):
            continue
        if isinstance(parsed, (dict, list)):
            out[key] = parsed
    return out


def client_name(ctx: Any) -> str | None:
    """The connected client's name: from `initialize`, or from the request's envelope (2026-07-28)."""
    request = getattr(ctx, "request_context", ctx)
    params = getattr(getattr(request, "session", None), "client_params", None)
    name = getattr(getattr(params, "client_info", None), "name", None)
    if isinstance(name, str):
        return name
    info = (getattr(request, "meta", None) or {}).get("io.modelcontextprotocol/clientInfo")
    name = info.get("name") if isinstance(info, dict) else None
    return name if isinstance(name, str) else None


# -- the server ---------------------------------------------------------------------------


def build_server(walks: Walks, *, runbooks: dict[str, str] | None = None) -> Any:
    """The SDK's low-level `Server` serving `walks`; `runbooks` maps tree id to rendered Markdown."""
    import mcp_types as types
    from mcp.server.lowlevel.server import Server
    from mcp.shared.exceptions import MCPError

    from dectree import __version__

    listed = types.ListToolsResult(
        tools=[
            types.Tool(
                name=t.name,
                description=t.description,
                input_schema=input_schema(t.args, t.name),
                output_schema=output_schema(t.result),
            )
            for t in TOOLS
        ]
    )
    resources: dict[str, tuple[types.Resource, Callable[[], str]]] = {}

    def resource(uri: str, name: str, description: str, mime: str, text: Callable[[], str]) -> None:
        resources[uri] = (
            types.Resource(uri=uri, name=name, description=description, mime_type=mime),
            text,
        )

    for tree_id, markdown in sorted((runbooks or {}).items()):
        resource(
            f"dectree://runbook/{tree_id}",
            f"runbook-{tree_id}",
            f"The {tree_id} tree rendered as a runbook",
            "text/markdown",
            (lambda md: lambda: md)(markdown),
        )
    resource("dectree://schema/tree", "tree-schema", "JSON Schema of the tree format",
             "application/json", _tree_schema)
    prompt = types.Prompt(
        name="diagnose",
        description="Walk a problem through dectree's trees.",
        arguments=[types.PromptArgument(name="problem", required=True)],
    )

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return listed

    # A coroutine that does the work in line: a walk's step is a fraction of a
    # millisecond, less than the hand-off to a worker thread would cost, and each
    # journaled event is one fsync that the call waits for anyway.
    async def on_call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        client = client_name(ctx) if params.name == "start" else None
        return call_tool(walks, params.name, params.arguments, client)

    async def list_resources(ctx: Any, params: Any) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=[r for r, _ in resources.values()])

    async def read_resource(ctx: Any, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        uri = str(params.uri)
        if uri not in resources:
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown resource: {uri}", data={"uri": uri})
        listed_resource, text = resources[uri]
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=uri, mime_type=listed_resource.mime_type, text=text())]
        )

    async def list_prompts(ctx: Any, params: Any) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=[prompt])

    async def get_prompt(ctx: Any, params: types.GetPromptRequestParams) -> types.GetPromptResult:
        if params.name != prompt.name:
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown prompt: {params.name}")
        problem = (params.arguments or {}).get("problem")
        if not problem:
            raise MCPError(code=types.INVALID_PARAMS, message="diagnose needs the argument 'problem'")
        return types.GetPromptResult(
            description=prompt.description,
            messages=[
                types.PromptMessage(
                    role="user", content=types.TextContent(type="text", text=DIAGNOSE.format(problem=problem))
                )
            ],
        )

    return Server(
        "dectree",
        version=__version__,
        title="dectree troubleshooting trees",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=on_call_tool,
        on_list_resources=list_resources,
        on_read_resource=read_resource,
        on_list_prompts=list_prompts,
        on_get_prompt=get_prompt,
    )


def _tree_schema() -> str:
    from dectree.model.tree import Tree

    return json.dumps(Tree.model_json_schema(), indent=2)


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
    import anyio

    logging.basicConfig(level=logging.WARNING, format="dectree mcp: %(levelname)s %(message)s")
    server = build_server(walks, runbooks=runbooks_for(walks))
    if http is None:
        anyio.run(_serve_stdio, server)
        return
    host, port = http
    security = transport_security(host, port, allowed_hosts, allowed_origins)
    anyio.run(_serve_http, server, host, port, security)


async def _serve_stdio(server: Any) -> None:
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


async def _serve_http(server: Any, host: str, port: int, security: Any) -> None:
    import uvicorn

    app = server.streamable_http_app(transport_security=security, host=host)
    await uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning")).serve()


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


__all__ = ["TOOLS", "build_server", "call_tool", "client_name", "serve", "transport_security"]
