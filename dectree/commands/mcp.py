"""`dectree mcp [PATH...] [--http HOST:PORT]`: serve the trees to AI assistants over MCP.

Over stdio by default (an MCP client starts `dectree mcp` itself); with
`--http` over Streamable HTTP at `http://HOST:PORT/mcp`, bound to 127.0.0.1
unless told otherwise, refusing requests whose Host or Origin header names
another server (DNS rebinding) unless allowed with `--allow-host` /
`--allow-origin`. Walks are journaled like the app's: `dectree sessions`,
`resume` and `export` work on them.
"""

from __future__ import annotations

import argparse

from dectree.commands.common import add_paths, load_or_usage_error
from dectree.commands.output import echo
from dectree.commands.recording import add_record_args


def configure(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    add_record_args(parser)
    parser.add_argument(
        "--http",
        metavar="HOST:PORT",
        help="serve Streamable HTTP at HOST:PORT (e.g. 127.0.0.1:8765) instead of stdio",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="another Host header to accept over HTTP (repeatable)",
    )
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="another Origin to accept over HTTP, e.g. https://tools.example (repeatable)",
    )


def parse_http(value: str) -> tuple[str, int]:
    """`HOST:PORT` (IPv6 in brackets) or a bare port on 127.0.0.1."""
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", value
    host = host or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--http {value!r}: expected HOST:PORT with a port from 1 to 65535")
    return host.strip("[]") if host.startswith("[") else host, int(port)


def run(args: argparse.Namespace) -> int:
    from dectree.mcp.server import serve
    from dectree.mcp.walks import Walks
    from dectree.records.paths import sessions_dir

    http = None
    if args.http:
        try:
            http = parse_http(args.http)
        except ValueError as exc:
            echo(f"dectree: error: {exc}", err=True)
            return 2
    catalog = load_or_usage_error(args)
    if catalog is None:
        return 2
    if not catalog.trees:
        echo("dectree: error: no trees loaded", err=True)
        return 1
    walks = Walks(catalog, sessions_dir(args.sessions_dir))
    if http is not None:
        echo(f"dectree: serving MCP at http://{http[0]}:{http[1]}/mcp", err=True)
    try:
        serve(walks, http=http, allowed_hosts=args.allow_host, allowed_origins=args.allow_origin)
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        echo(f"dectree: error: {exc.strerror or exc}", err=True)
        return 1
    return 0
