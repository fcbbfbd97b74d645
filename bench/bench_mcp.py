"""Time per tool call of `dectree mcp` against a minimal SDK server with one echo tool.

Every server runs as a stdio subprocess in the same run, and the measurements
are interleaved (floor, dectree, [baseline,] floor, dectree, ... for `--rounds`
rounds), so the ratios hold on a noisy machine. Two clients:

- a raw JSON-RPC client (one request line, one response line, read through a
  buffer): the servers' own cost per call. Besides the wall time of each call it
  reads each server's CPU time (user + system, all threads, from `/proc`) around
  every batch of calls, which swings far less than wall time when the machine
  is shared;
- the SDK's own client: what an SDK-based assistant sees, including the
  client's jsonschema check of every structured result against the tool's
  output schema.

dectree's calls are the ones a walk makes: `step` (read the current step),
`answer` then `back` (a step forward and back, each one journaled event with its
fsync), and `search`. The journal's fsync is also timed alone, on the same
disk (a line of an event's size appended to a file in the sessions directory,
then `fsync`), so `answer` can be read as "X ms, of which fsync Y ms".

`--baseline DIR` also serves the dectree of another checkout (for example
`git worktree add /tmp/before main`) in the same rounds, for before/after
figures. Goal: within 1.5x the floor's echo.

    .venv/bin/python bench/bench_mcp.py [--calls 200] [--rounds 5] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUERY = "FATAL: sorry, too many clients already"
# An `answered` event as the journal writes it, about the size of a real one.
EVENT_LINE = (
    json.dumps(
        {
            "type": "answered",
            "at": "2026-12-06T14:30:00.000000Z",
            "tree_id": "database",
            "node_id": "start",
            "choice": 0,
            "label": "Cannot connect at all: timeout, connection refused, could not translate host",
            "next": "database:connect",
        },
        separators=(",", ":"),
    )
    + "\n"
).encode()


def env_for(checkout: Path) -> dict[str, str]:
    """The environment a server of `checkout` runs in: its dectree first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECTREE_")}
    env["PYTHONPATH"] = str(checkout)
    return env


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process and all its threads (Linux), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Raw:
    """A bare JSON-RPC client over a server's stdin/stdout (legacy handshake).

    The server's stdout is read through a buffer: an unbuffered `readline` reads
    one byte per system call, which costs the client more than the server spends
    on a large response (an earlier version of this benchmark measured that)."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=cwd
        )
        self.next_id = 0
        self.request("initialize", {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "bench", "version": "1"},
        })
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        assert self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit(f"{method}: the server closed its output")
            reply = json.loads(line)
            if reply.get("id") == self.next_id:
                if "error" in reply or reply["result"].get("isError"):
                    raise SystemExit(f"{method} failed: {reply}")
                return reply["result"]  # type: ignore[no-any-return]

    def timed(self, tool: str, args: dict[str, Any]) -> float:
        start = time.perf_counter()
        self.request("tools/call", {"name": tool, "arguments": args})
        return time.perf_counter() - start

    def cpu(self) -> float | None:
        return cpu_seconds(self.proc.pid)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


class Sample:
    """Wall times of one kind of call, and the server CPU time its batches took."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu = 0.0
        self.cpu_calls = 0
        self.cpu_known = True

    def batch(self, client: Raw, calls: int, one: Callable[[], list[float]]) -> None:
        before = client.cpu()
        for _ in range(calls):
            self.wall.extend(one())
        after = client.cpu()
        if before is None or after is None:
            self.cpu_known = False
        else:
            self.cpu += after - before
            self.cpu_calls += calls

    @property
    def median_ms(self) -> float:
        return statistics.median(self.wall) * 1000

    @property
    def p90_ms(self) -> float:
        return sorted(self.wall)[int(len(self.wall) * 0.9)] * 1000

    def cpu_ms(self, per_batch_call: int = 1) -> float | None:
        if not self.cpu_known or not self.cpu_calls:
            return None
        return self.cpu / (self.cpu_calls * per_batch_call) * 1000


class Floor:
    name = "floor"

    def __init__(self) -> None:
        self.client = Raw([sys.executable, str(HERE / "mcp_floor.py")], env_for(ROOT), ROOT)
        self.echo = Sample()
        for _ in range(50):
            self.client.timed("echo", {"text": "warm"})

    def round(self, calls: int) -> None:
        self.echo.batch(self.client, calls, lambda: [self.client.timed("echo", {"text": "hello"})])


class Dectree:
    def __init__(self, name: str, checkout: Path, sessions: Path) -> None:
        self.name = name
        self.client = Raw(
            [sys.executable, "-m", "dectree", "mcp", str(ROOT / "trees"),
             "--sessions-dir", str(sessions)],
            env_for(checkout),
            checkout,
        )
        started = self.client.request(
            "tools/call", {"name": "start", "arguments": {"tree": "database"}}
        )
        self.session = started["structuredContent"]["session"]
        self.samples = {k: Sample() for k in ("step", "answer", "back", "search")}
        self.pair = Sample()  # answer + back: CPU is read around the pair
        for _ in range(50):
            self.client.timed("step", {"session": self.session})
            self.client.timed("search", {"query": QUERY})

    def round(self, calls: int) -> None:
        c, s = self.client, self.session
        self.samples["step"].batch(c, calls, lambda: [c.timed("step", {"session": s})])

        def forth_and_back() -> list[float]:
            a = c.timed("answer", {"session": s, "choice": 1})
            b = c.timed("back", {"session": s})
            self.samples["answer"].wall.append(a)
            self.samples["back"].wall.append(b)
            return [a + b]

        self.pair.batch(c, calls, forth_and_back)
        self.samples["search"].batch(
            c, max(20, calls // 4), lambda: [c.timed("search", {"query": QUERY})]
        )


def fsync_alone(directory: Path, calls: int, into: list[float]) -> None:
    """Append an event-sized line and fsync it, as the journal does, `calls` times."""
    fd = os.open(directory / "fsync-alone.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for _ in range(calls):
            start = time.perf_counter()
            os.write(fd, EVENT_LINE)
            os.fsync(fd)
            into.append(time.perf_counter() - start)
    finally:
        os.close(fd)


def raw_report(calls: int, rounds: int, baseline: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        floor = Floor()
        ours = [Dectree("dectree", ROOT, Path(tmp) / "after")]
        if baseline is not None:
            ours.insert(0, Dectree("baseline", baseline, Path(tmp) / "before"))
        fsyncs: list[float] = []
        for _ in range(rounds):
            floor.round(calls)
            for server in ours:
                server.round(calls)
                floor.round(calls // 2)  # the floor between every two servers
            fsync_alone(Path(tmp), calls // 2, fsyncs)
        floor.client.close()
        for server in ours:
            server.client.close()

    base = floor.echo
    base_cpu = base.cpu_ms()
    print(f"\nRaw JSON-RPC client, {rounds} interleaved rounds of {calls} calls\n")
    print("| server | call | median ms | p90 ms | x echo | server CPU ms/call | x echo |")
    print("|---|---|---:|---:|---:|---:|---:|")

    def row(server: str, call: str, sample: Sample, cpu: float | None) -> None:
        cpu_text = f"{cpu:.3f}" if cpu is not None else "n/a"
        cpu_ratio = f"{cpu / base_cpu:.2f}x" if cpu is not None and base_cpu else "n/a"
        print(
            f"| {server} | {call} | {sample.median_ms:.3f} | {sample.p90_ms:.3f} | "
            f"{sample.median_ms / base.median_ms:.2f}x | {cpu_text} | {cpu_ratio} |"
        )

    row("floor", "echo", base, base_cpu)
    for server in ours:
        for call, sample in server.samples.items():
            if call in ("answer", "back"):
                continue
            row(server.name, call, sample, sample.cpu_ms())
        for call in ("answer", "back"):
            # CPU was read around each answer + back pair: half of it to each.
            row(server.name, call, server.samples[call], server.pair.cpu_ms(2))
    median = statistics.median(fsyncs) * 1000
    p90 = sorted(fsyncs)[int(len(fsyncs) * 0.9)] * 1000
    print(
        f"\nJournal fsync alone on this disk ({len(EVENT_LINE)}-byte line appended, then fsync; "
        f"answer and back each do one): median {median:.3f} ms, p90 {p90:.3f} ms, "
        f"{median / base.median_ms:.2f}x echo"
    )


async def sdk_timed(client: Any, tool: str, args: dict[str, Any]) -> float:
    start = time.perf_counter()
    result = await client.call_tool(tool, args)
    took = time.perf_counter() - start
    if result.is_error:
        raise SystemExit(f"{tool} failed: {result.content}")
    return took


async def sdk_rounds(
    calls: int, rounds: int, baseline: Path | None, sessions: Path
) -> tuple[list[float], dict[str, dict[str, list[float]]]]:
    """The same calls through the SDK's client, all servers open at once, rounds interleaved."""
    from contextlib import AsyncExitStack

    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    def dectree_params(checkout: Path, where: Path) -> StdioServerParameters:
        return StdioServerParameters(
            command=sys.executable,
            args=["-m", "dectree", "mcp", str(ROOT / "trees"), "--sessions-dir", str(where)],
            env=env_for(checkout),
            cwd=str(checkout),
        )

    checkouts = {"dectree": ROOT} if baseline is None else {"baseline": baseline, "dectree": ROOT}
    async with AsyncExitStack() as stack:
        floor = await stack.enter_async_context(
            Client(StdioServerParameters(
                command=sys.executable, args=[str(HERE / "mcp_floor.py")], env=env_for(ROOT)
            ))
        )
        ours: dict[str, tuple[Any, str]] = {}
        for name, checkout in checkouts.items():
            client = await stack.enter_async_context(
                Client(dectree_params(checkout, sessions / name))
            )
            started = await client.call_tool("start", {"tree": "database"})
            ours[name] = (client, started.structured_content["session"])
        for _ in range(20):
            await floor.call_tool("echo", {"text": "warm"})
            for client, session in ours.values():
                await client.call_tool("step", {"session": session})
                await client.call_tool("search", {"query": QUERY})
        base: list[float] = []
        out: dict[str, dict[str, list[float]]] = {
            name: {k: [] for k in ("step", "answer", "back", "search")} for name in ours
        }
        for _ in range(rounds):
            base += [await sdk_timed(floor, "echo", {"text": "hello"}) for _ in range(calls)]
            for name, (client, session) in ours.items():
                times = out[name]
                for _ in range(calls):
                    times["step"].append(await sdk_timed(client, "step", {"session": session}))
                    times["answer"].append(
                        await sdk_timed(client, "answer", {"session": session, "choice": 1})
                    )
                    times["back"].append(await sdk_timed(client, "back", {"session": session}))
                for _ in range(max(20, calls // 4)):
                    times["search"].append(await sdk_timed(client, "search", {"query": QUERY}))
    return base, out


def sdk_report(calls: int, rounds: int, baseline: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base, ours = asyncio.run(sdk_rounds(calls, rounds, baseline, Path(tmp)))
    floor_ms = statistics.median(base) * 1000
    print(f"\nThe SDK's client (with its output-schema check), {rounds} interleaved rounds of {calls}\n")
    print("| server | call | median ms | p90 ms | x echo |")
    print("|---|---|---:|---:|---:|")
    p90 = sorted(base)[int(len(base) * 0.9)] * 1000
    print(f"| floor | echo | {floor_ms:.3f} | {p90:.3f} | 1.00x |")
    for server, calls_of in ours.items():
        for name, times in calls_of.items():
            med = statistics.median(times) * 1000
            p90 = sorted(times)[int(len(times) * 0.9)] * 1000
            print(f"| {server} | {name} | {med:.3f} | {p90:.3f} | {med / floor_ms:.2f}x |")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="calls of each kind per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--baseline", type=Path, help="another dectree checkout to serve beside")
    parser.add_argument("--no-sdk", action="store_true", help="skip the SDK client's figures")
    args = parser.parse_args()
    if args.baseline is not None and not (args.baseline / "dectree" / "__init__.py").exists():
        parser.error(f"--baseline {args.baseline}: no dectree package there")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at start: {load:.2f}")
    raw_report(args.calls, args.rounds, args.baseline)
    if not args.no_sdk:
        sdk_report(args.calls // 2, args.rounds, args.baseline)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
