"""Time per tool call of `dectree mcp` against a minimal SDK server with one echo tool.

Both servers run as stdio subprocesses in the same run, so the ratio holds on a
noisy machine, measured twice: by a raw JSON-RPC client (one request line, one
response line: the server's own cost per call) and by the SDK's own client
(what an SDK-based assistant sees, including the client's jsonschema check of
every structured result against the tool's output schema). dectree's calls are the ones
a walk makes: `step` (read the current step), `answer` then `back` (a step
forward and back, each journaled with fsync), and `search`. Goal: within 1.5x
the floor's echo.

    .venv/bin/python bench/bench_mcp.py [--calls 300]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


async def timed(client: Client, tool: str, args: dict[str, Any]) -> float:
    start = time.perf_counter()
    result = await client.call_tool(tool, args)
    took = time.perf_counter() - start
    if result.is_error:
        raise SystemExit(f"{tool} failed: {result.content}")
    return took


async def floor(calls: int) -> list[float]:
    params = StdioServerParameters(command=sys.executable, args=[str(HERE / "mcp_floor.py")])
    async with Client(params) as client:
        for _ in range(20):
            await timed(client, "echo", {"text": "warm"})
        return [await timed(client, "echo", {"text": "hello"}) for _ in range(calls)]


async def dectree(calls: int, sessions: Path) -> dict[str, list[float]]:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "dectree", "mcp", str(ROOT / "trees"), "--sessions-dir", str(sessions)],
        cwd=str(ROOT),
    )
    out: dict[str, list[float]] = {"step": [], "answer": [], "back": [], "search": []}
    async with Client(params) as client:
        started = await client.call_tool("start", {"tree": "database"})
        session = started.structured_content["session"]  # type: ignore[index]
        for _ in range(20):
            await timed(client, "step", {"session": session})
        for _ in range(calls):
            out["step"].append(await timed(client, "step", {"session": session}))
            out["answer"].append(await timed(client, "answer", {"session": session, "choice": 1}))
            out["back"].append(await timed(client, "back", {"session": session}))
        for _ in range(max(20, calls // 10)):
            out["search"].append(
                await timed(client, "search", {"query": "FATAL: sorry, too many clients already"})
            )
    return out


class Raw:
    """A bare JSON-RPC client over a server's stdin/stdout (legacy handshake)."""

    def __init__(self, argv: list[str]) -> None:
        import subprocess

        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, bufsize=0
        )
        self.next_id = 0
        self.request("initialize", {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "bench", "version": "1"},
        })
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def send(self, message: dict[str, Any]) -> None:
        import json

        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(message) + "\n").encode())

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        import json

        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        assert self.proc.stdout is not None
        while True:
            reply = json.loads(self.proc.stdout.readline())
            if reply.get("id") == self.next_id:
                if "error" in reply or reply["result"].get("isError"):
                    raise SystemExit(f"{method} failed: {reply}")
                return reply["result"]  # type: ignore[no-any-return]

    def timed(self, tool: str, args: dict[str, Any]) -> float:
        start = time.perf_counter()
        self.request("tools/call", {"name": tool, "arguments": args})
        return time.perf_counter() - start

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def raw_runs(calls: int, sessions: Path) -> tuple[list[float], dict[str, list[float]]]:
    floor_client = Raw([sys.executable, str(HERE / "mcp_floor.py")])
    for _ in range(20):
        floor_client.timed("echo", {"text": "warm"})
    base = [floor_client.timed("echo", {"text": "hello"}) for _ in range(calls)]
    floor_client.close()
    ours = Raw([sys.executable, "-m", "dectree", "mcp", str(ROOT / "trees"),
                "--sessions-dir", str(sessions)])
    session = ours.request("tools/call", {"name": "start", "arguments": {"tree": "database"}})[
        "structuredContent"]["session"]
    out: dict[str, list[float]] = {"step": [], "answer": [], "back": [], "search": []}
    for _ in range(20):
        ours.timed("step", {"session": session})
    for _ in range(calls):
        out["step"].append(ours.timed("step", {"session": session}))
        out["answer"].append(ours.timed("answer", {"session": session, "choice": 1}))
        out["back"].append(ours.timed("back", {"session": session}))
    for _ in range(max(20, calls // 10)):
        out["search"].append(
            ours.timed("search", {"query": "FATAL: sorry, too many clients already"})
        )
    ours.close()
    return base, out


def table(title: str, base: list[float], ours: dict[str, list[float]]) -> None:
    floor_ms = statistics.median(base) * 1000
    print(f"\n{title}\n")
    print("| call | median ms | p90 ms | x floor |")
    print("|---|---|---|---|")
    print(f"| floor: echo | {floor_ms:.2f} | {sorted(base)[int(len(base) * 0.9)] * 1000:.2f} | 1.00x |")
    for name, times in ours.items():
        med = statistics.median(times) * 1000
        p90 = sorted(times)[int(len(times) * 0.9)] * 1000
        print(f"| {name} | {med:.2f} | {p90:.2f} | {med / floor_ms:.2f}x |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base, ours = raw_runs(args.calls, Path(tmp))
    table("Raw JSON-RPC client (the servers' own cost)", base, ours)
    base = asyncio.run(floor(args.calls))
    with tempfile.TemporaryDirectory() as tmp:
        ours = asyncio.run(dectree(args.calls, Path(tmp)))
    table("The SDK's client (with its output-schema check)", base, ours)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
