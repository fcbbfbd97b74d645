"""Synthetic tree sets in the real dectree format, for the benchmarks.

Two shapes:

- `one_tree(n)`: one tree of `n` nodes;
- `tree_set(count, n)`: `count` trees of `n` nodes each, with links between
  trees (`tree-id:node-id`), as a team's repository of runbooks would have.

Questions branch 2 to 4 ways; actions lead on to one node; the last nodes
allocated are conclusions and escalations. Commands, symptoms and prompts are
built from realistic fragments (kubectl, journalctl, ss, psql ...) so node size
is close to the hand-written trees. Output is deterministic for a given seed and
valid: `dectree validate` reports no problem on it (no error, warning or note).

Run as a script to write files: `python bench/gen.py --nodes 100000 out/one`
or `python bench/gen.py --trees 500 --nodes 200 out/set`.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

SERVICES = [
    "api-gateway",
    "checkout",
    "payments",
    "search",
    "auth",
    "billing",
    "inventory",
    "notifications",
    "ledger",
    "media-upload",
    "session-store",
    "reporting",
]
RESOURCES = [
    "database connection pool",
    "disk on /var",
    "TLS certificate",
    "DNS resolution",
    "upstream latency",
    "memory limit",
    "CPU quota",
    "file descriptors",
    "message queue",
    "replication lag",
    "ingress controller",
    "service mesh sidecar",
]
SYMPTOMS = [
    "dial tcp {ip}:5432: connect: connection refused",
    "upstream connect error or disconnect/reset before headers. reset reason: overflow",
    "FATAL: remaining connection slots are reserved for non-replication superuser connections",
    "x509: certificate has expired or is not yet valid: current time {date}T03:12:44Z",
    "OOMKilled (exit code 137) in container {svc}",
    "write /var/lib/{svc}/queue.db: no space left on device",
    "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
    "accept4() failed (24: Too many open files) while accepting new connection",
    "lookup {svc}.prod.svc.cluster.local on 10.96.0.10:53: no such host",
    "readiness probe failed: HTTP probe failed with statuscode: 503",
    "ERROR 1040 (HY000): Too many connections",
    "kafka: client has run out of available brokers to talk to",
]
CHECKS = [
    (
        "kubectl -n {{namespace}} logs deploy/{svc} --since=15m | grep -c '{word}'",
        "A count above zero in the last 15 minutes.",
    ),
    (
        "kubectl -n {{namespace}} get pods -l app={svc} -o wide",
        "Pods in CrashLoopBackOff or not Ready, and the node they run on.",
    ),
    (
        "journalctl -u {svc} --since '-30 min' --no-pager | tail -n 50",
        "Errors or restarts around the time the alert fired.",
    ),
    (
        "ss -tan state established '( dport = :5432 )' | wc -l",
        "More connections than max_connections minus the reserved slots.",
    ),
    (
        "psql -h {{db_host}} -c 'select count(*), state from pg_stat_activity group by state'",
        "Many 'idle in transaction' sessions point at a leaking client.",
    ),
    (
        "curl -sS -o /dev/null -w '%{{http_code}} %{{time_total}}\\n' https://{svc}.internal/healthz",
        "A status other than 200, or a time above one second.",
    ),
    (
        "openssl s_client -connect {svc}.internal:443 -servername {svc}.internal </dev/null | openssl x509 -noout -dates",
        "notAfter in the past or within the next 7 days.",
    ),
    ("df -h /var && df -i /var", "Use% or IUse% at 100% on the filesystem the service writes to."),
]
STEPS = [
    (
        "Restart the deployment so new pods pick up the fixed configuration.",
        "kubectl -n {{namespace}} rollout restart deploy/{svc}",
    ),
    ("Raise the pool size for {svc} within the database's connection budget.", None),
    (
        "Renew the certificate and reload the ingress controller.",
        "kubectl -n ingress-nginx rollout restart deploy/ingress-nginx-controller",
    ),
    (
        "Remove rotated logs older than seven days.",
        "find /var/log/{svc} -name '*.gz' -mtime +7 -delete",
    ),
    (
        "Scale the deployment out while the root cause is fixed.",
        "kubectl -n {{namespace}} scale deploy/{svc} --replicas=6",
    ),
]
WORDS = ["refused", "timeout", "reset", "503", "OOMKilled", "deadline", "throttled", "evicted"]


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


class _Writer:
    def __init__(self, tree_id: str, n: int, rng: random.Random, links: list[str]) -> None:
        self.tree_id = tree_id
        self.n = n
        self.rng = rng
        self.links = links  # cross-tree refs to use, in order, on some questions

    def fill(self, template: str) -> str:
        rng = self.rng
        return template.format(
            svc=rng.choice(SERVICES),
            word=rng.choice(WORDS),
            ip=f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            date=f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        )

    def header(self) -> Iterator[str]:
        title = f"{_cap(self.rng.choice(RESOURCES))} problems in {self.rng.choice(SERVICES)}"
        yield f"id: {self.tree_id}"
        yield f"title: {title}"
        yield 'version: "1.0.0"'
        yield "purpose: Find why the service fails its health checks and restore it safely."
        yield "scope: Kubernetes workloads in the prod cluster; not managed cloud databases."
        yield "owners: [platform-sre]"
        yield f"tags: [synthetic, {self.rng.choice(RESOURCES).split()[-1]}]"
        yield "symptoms:"
        yield f"  - {_q(self.fill(self.rng.choice(SYMPTOMS)))}"
        yield "escalation:"
        for level, team in (
            ("L1", "First-line on-call"),
            ("L2", "Platform SRE"),
            ("L3", "Service owners"),
        ):
            yield f"  {level}:"
            yield f"    team: {team}"
            yield f'    channel: "#{team.lower().replace(" ", "-")}"'
            yield "    when: The steps of this tree did not restore the service within 30 minutes."
        yield "review:"
        yield "  last_updated: 2026-10-01"
        yield "  updated_by: platform-sre"
        yield "  next_review: 2099-01-01"
        yield "variables:"
        yield "  namespace:"
        yield "    description: Kubernetes namespace of the service."
        yield "    example: prod"
        yield "  db_host:"
        yield "    description: Primary database host."
        yield "    example: db-01.internal"
        yield "start: n0"
        yield "nodes:"

    def nodes(self) -> Iterator[str]:
        rng = self.rng
        n = self.n
        allocated = 1
        links = list(self.links)
        for i in range(n):
            yield f"  n{i}:"
            remaining = n - allocated
            last_open = allocated == i + 1  # no node waits to be expanded: this one must
            if remaining > 0 and (last_open or rng.random() < 0.88):
                if rng.random() < 0.12 and i > 0:
                    yield from self.action(f"n{allocated}")
                    allocated += 1
                    continue
                k = min(rng.randint(2, 4), remaining)
                targets = [f"n{j}" for j in range(allocated, allocated + k)]
                allocated += k
                if links and k < 4:
                    targets.append(links.pop())
                if len(targets) < 2:
                    targets.append(f"n{rng.randrange(allocated - k, allocated)}")
                yield from self.question(targets, force_db=i == 0)
            elif rng.random() < 0.8:
                yield from self.conclusion()
            else:
                yield from self.escalation()
        assert allocated == n, "every node is reached"

    def question(self, targets: list[str], *, force_db: bool) -> list[str]:
        rng = self.rng
        resource = rng.choice(RESOURCES)
        svc = rng.choice(SERVICES)
        out = [
            "    kind: question",
            f"    title: {_cap(resource)} of {svc}",
            f"    prompt: Does {svc} report errors from its {resource} in the last 15 minutes?",
        ]
        if rng.random() < 0.6:
            out.append("    symptoms:")
            for _ in range(rng.randint(1, 2)):
                out.append(f"      - {_q(self.fill(rng.choice(SYMPTOMS)))}")
        out.append("    checks:")
        checks = [rng.choice(CHECKS) for _ in range(rng.randint(1, 2))]
        if force_db:  # the start uses every variable, so no tree has a DT215 warning
            checks = [CHECKS[4], CHECKS[0]]
        for run, look in checks:
            out.append(f"      - run: {_q(self.fill(run))}")
            out.append(f"        look_for: {look}")
        out.append("    choices:")
        answers = [
            "Yes, errors in the last 15 minutes",
            "No errors",
            "Only on some pods",
            "Errors stopped after a restart",
            "Cannot tell from the output",
        ]
        if len(targets) > 2:  # the last answer is the way out (no DT225)
            answers[len(targets) - 1] = "None of these, or cannot tell from the output"
        for j, target in enumerate(targets):
            out.append(f"      - label: {answers[j]}")
            out.append(f"        next: {target}")
        return out

    def action(self, target: str) -> Iterator[str]:
        rng = self.rng
        run, _ = rng.choice(CHECKS)
        yield "    kind: action"
        yield f"    title: Collect evidence from {rng.choice(SERVICES)}"
        yield "    prompt: Save the output below to the incident ticket before changing anything."
        yield "    commands:"
        yield f"      - run: {_q(self.fill(run))}"
        yield "        where: a shell with kubectl access to the prod cluster"
        yield "    verify: The output is attached to the ticket."
        yield f"    next: {target}"

    def conclusion(self) -> Iterator[str]:
        rng = self.rng
        resource = rng.choice(RESOURCES)
        yield "    kind: conclusion"
        yield f"    title: {_cap(resource)} exhausted"
        yield "    symptoms:"  # a pasted line and plain words (no DT226)
        yield f"      - {_q(self.fill(rng.choice(SYMPTOMS)))}"
        yield f"      - {_q(f'{resource} runs out at peak load')}"
        outcome = rng.choice(["resolved", "resolved", "workaround", "escalate"])
        yield f"    outcome: {outcome}"
        if outcome == "escalate":
            yield "    level: L2"
        yield f"    root_cause: The {resource} of {rng.choice(SERVICES)} ran out under peak load."
        yield "    resolution:"
        do, run = rng.choice(STEPS)
        yield f"      - do: {self.fill(do)}"
        if run:
            yield f"        run: {_q(self.fill(run))}"
        yield "    verify: The health check returns 200 and the alert clears."

    def escalation(self) -> Iterator[str]:
        rng = self.rng
        yield "    kind: escalation"
        yield f"    level: {rng.choice(['L1', 'L2', 'L3'])}"
        yield f"    reason: The {rng.choice(RESOURCES)} needs a change only its owners can make."
        yield "    attach:"
        yield "      - Output of the checks above"
        yield "      - Link to the dashboard at the time of the alert"

    def text(self) -> str:
        return "\n".join([*self.header(), *self.nodes()]) + "\n"


def one_tree(n: int, *, seed: int = 1, tree_id: str = "big") -> str:
    """YAML text of one tree of `n` nodes."""
    return _Writer(tree_id, n, random.Random(seed), []).text()


def tree_set(count: int, n: int, *, seed: int = 1, links_per_tree: int = 3) -> dict[str, str]:
    """File name -> YAML text of `count` trees, each linking into other trees."""
    rng = random.Random(seed)
    out: dict[str, str] = {}
    for t in range(count):
        links = []
        for _ in range(links_per_tree if count > 1 else 0):
            other = rng.randrange(count - 1)
            other += other >= t
            links.append(f"t{other:04d}:n{rng.randrange(1, n)}")
        out[f"t{t:04d}.yaml"] = _Writer(f"t{t:04d}", n, random.Random(rng.random()), links).text()
    return out


def write_one(directory: Path, n: int, *, seed: int = 1) -> Path:
    """Write one tree of `n` nodes to `directory/big.yaml`."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "big.yaml"
    path.write_text(one_tree(n, seed=seed), encoding="utf-8")
    return path


def write_set(directory: Path, count: int, n: int, *, seed: int = 1) -> list[Path]:
    """Write `count` trees of `n` nodes to `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in tree_set(count, n, seed=seed).items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to write to")
    parser.add_argument("--nodes", type=int, default=200, help="nodes per tree")
    parser.add_argument(
        "--trees", type=int, default=1, help="number of trees (1: one file big.yaml)"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.trees == 1:
        print(write_one(args.out, args.nodes, seed=args.seed))
    else:
        print(
            f"{len(write_set(args.out, args.trees, args.nodes, seed=args.seed))} files in {args.out}"
        )


if __name__ == "__main__":
    main()
