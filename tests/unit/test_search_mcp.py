"""Search over the shipped trees: pasted MCP client and server errors land on the right node.

Each line is what an engineer would paste from a client log (Claude Desktop
mcp*.log, the Claude Code debug file, an SDK exception) or a server or proxy
response, with its timestamps and wrappers. Where one line fits several
causes the expected node is the question that tells them apart.
"""

from __future__ import annotations

import pytest

from tests.unit.search_support import assert_cases_name_nodes, assert_lands

CASES: list[tuple[str, str]] = [
    # configuration and stdio
    ("  ⎿  github: npx -y @modelcontextprotocol/server-github - ✗ Failed to connect", "start"),
    (
        "[error] Could not load app settings: There was an error reading or parsing "
        "claude_desktop_config.json: Unexpected token } in JSON at position 213",
        "conc-config-not-loaded",
    ),
    (
        '2026-11-26T03:12:44.512Z [github] [error] spawn npx ENOENT {"context":"connection",'
        '"stack":"Error: spawn npx ENOENT\\n    at ChildProcess._handle.onexit '
        '(node:internal/child_process:286:19)"}',
        "conc-path-enoent",
    ),
    ("env: node: No such file or directory", "conc-path-enoent"),
    (
        "2026-11-26T03:12:45.001Z [filesystem] [info] Server transport closed unexpectedly, "
        "this is likely due to the process exiting early. If you are developing this MCP "
        "server you can add output to stderr (i.e. `console.error('...')` in JavaScript, "
        "`print('...', file=sys.stderr)` in python) and it will appear in this log.",
        "stdio-spawn",
    ),
    # -32000 Connection closed happens on every transport: start asks which one
    (
        '2026-11-26T03:12:46.000Z [DEBUG] MCP server "mysql": Connection failed after 6544ms: '
        "MCP error -32000: Connection closed",
        "start",
    ),
    (
        "2026-11-26T03:12:45.100Z [weather] [error] Unexpected token '>', \"> tsc && node\"... "
        'is not valid JSON {"context":"connection"}',
        "conc-stdout-pollution",
    ),
    (
        "2026-11-26T03:12:45.100Z [weather] [error] Unexpected non-whitespace character after "
        'JSON at position 4 {"context":"connection"}',
        "conc-stdout-pollution",
    ),
    ("Error: Cannot find module '/Users/alex/mcp-server/dist/index.js'", "conc-stdio-runtime"),
    # timeouts
    (
        '2026-11-26T03:13:16.861Z [DEBUG] MCP server "serena": Connection timeout triggered '
        "after 30016ms (limit: 30000ms)",
        "conc-startup-timeout",
    ),
    (
        "2026-11-26T03:15:02.113Z [ERROR] MCP server \"reports\" Tool 'export_data' failed: "
        "MCP error -32001: Request timed out",
        "client-timeout",
    ),
    # Streamable HTTP
    (
        "Error POSTing to endpoint (HTTP 502): <html><head><title>502 Bad Gateway</title>"
        "</head></html>",
        "http-server-up",
    ),
    (
        "Streamable HTTP error: Error POSTing to endpoint (HTTP 406): "
        '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Not Acceptable: Client must '
        'accept both application/json and text/event-stream"},"id":null}',
        "conc-accept-header",
    ),
    ("Streamable HTTP error: Error POSTing to endpoint: Invalid Host header", "conc-origin-host"),
    (
        '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: No valid session ID '
        'provided"},"id":null}',
        "http-400",
    ),
    (
        '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: Mcp-Session-Id '
        'header is required"},"id":null}',
        "session-check",
    ),
    (
        '{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}',
        "session-replicas",
    ),
    (
        '{"jsonrpc":"2.0","id":7,"error":{"code":-32020,"message":"Header mismatch: Mcp-Name '
        'does not match params.name"}}',
        "bypass-proxy",
    ),
    (
        '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: Unsupported protocol '
        "version: 2026-07-28 (supported versions: 2025-11-25, 2025-06-18, 2025-03-26, "
        '2024-11-05, 2024-10-07)"},"id":null}',
        "conc-era-mismatch",
    ),
    ("Error: Server's protocol version is not supported: 2026-07-28", "conc-era-mismatch"),
    (
        "2026/11/26 03:12:44 [error] 31#31: *4177 upstream timed out (110: Connection timed "
        "out) while reading upstream, client: 10.0.0.7, server: mcp.example.com, request: "
        '"POST /mcp HTTP/1.1", upstream: "http://10.1.2.3:8080/mcp"',
        "conc-proxy-timeout",
    ),
    # HTTP+SSE
    ("Error: SSE error: Non-200 status code (404)", "conc-wrong-endpoint"),
    # OAuth
    (
        "SDK auth failed: Incompatible auth server: does not support dynamic client registration",
        "conc-dcr-missing",
    ),
    ("Error: Couldn't register with the sign-in service", "oauth-discovery"),
    (
        "Error: Resource server does not implement OAuth 2.0 Protected Resource Metadata.",
        "conc-prm-missing",
    ),
    # protocol version: a fixed answer the client does not know is told apart at version-check
    (
        "McpClient - Failed to connect to MCP server 'mcp-steroid': Error connecting to "
        "transport: Server's protocol version is not supported: 2025-11-25",
        "version-check",
    ),
    (
        "Bad Request: Unsupported protocol version: 2025-11-25. Supported versions: "
        "2024-11-05, 2025-03-26, 2025-06-18",
        "conc-sdk-too-old",
    ),
    # runtimes and platforms
    ("Error: spawn EINVAL", "conc-windows-npx"),
    (
        "UnicodeEncodeError: 'charmap' codec can't encode character '\\u2713' in position 0: "
        "character maps to <undefined>",
        "conc-stdio-encoding",
    ),
    (
        "MCP Excel (Windows): Unexpected token 'i', \"info: Micr\"... is not valid JSON",
        "conc-stdout-pollution",
    ),
    (
        "com.fasterxml.jackson.core.JsonParseException: Unexpected character ('-' (code 45)): "
        "Expected space separating root-level values",
        "conc-stdout-pollution",
    ),
    ("Get-VM: Value cannot be null. (Parameter 'name')", "conc-stdio-platform-env"),
    # browsers and the old SSE transport
    (
        "Access to fetch at 'https://mcp.example.com/mcp' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: Request header field mcp-protocol-version is not "
        "allowed by Access-Control-Allow-Headers in preflight response.",
        "conc-browser-cors",
    ),
    ("HTTP 404: Could not find session", "conc-sse-old-endpoint"),
    # described in plain words, no error string
    ("the container starts, prints its tools and exits straight away", "conc-docker-stdin"),
    ("it works from Node or curl but not from the browser", "conc-browser-cors"),
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[expected for _, expected in CASES])
def test_pasted_line_lands_on_node(line: str, expected: str) -> None:
    assert_lands("mcp", line, expected)


def test_cases_name_existing_nodes() -> None:
    assert_cases_name_nodes("mcp", CASES)
