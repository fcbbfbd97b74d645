"""Walkable synthetic trees for the app benchmarks (`bench_tui.py`), in the real format.

A tree of `n` nodes has a *spine* of questions (every fifth one an action)
that a walk follows by always answering 1. At the end of the spine a retry
question leads back to the start, so a walk can go on for any number of
steps. Every spine question also branches ("No errors", "Cannot tell") into
side subtrees of questions, conclusions and escalations that hold the rest of
the `n` nodes: the 10,000-node tree is a real 10,000-node tree for the
outline, the search index and the loader, while the walk reads the same kind
of node at every step whatever the size.

Nodes look like the shipped trees: a prompt, a Markdown `detail` with
emphasis, code spans and a numbered list, two checks with `where` and
`look_for`, three or four choices. Each spine node carries markers the
benchmark looks for on screen: `Q0042` in the prompt and `D0042` at the end of
the detail (neither appears anywhere else).
"""

from __future__ import annotations

import json
from pathlib import Path

SERVICES = ["checkout", "payments", "search", "auth", "billing", "ledger", "inventory"]
RESOURCES = [
    "database connection pool",
    "disk on /var",
    "TLS certificate",
    "DNS resolution",
    "memory limit",
    "file descriptors",
    "message queue",
]


def _q(text: str) -> str:
    return json.dumps(text)


def prompt_marker(index: int) -> str:
    """The marker in spine node `index`'s prompt."""
    return f"Q{index:04d}"


def detail_marker(index: int) -> str:
    """The marker at the end of spine node `index`'s detail."""
    return f"D{index:04d}"


def step_after(index: int, spine: int) -> int:
    """The marker number shown after answering 1 at marker number `index`."""
    return (index + 1) % (spine + 1)


def spine_id(index: int) -> str:
    return f"s{index:04d}"


def _detail(index: int, svc: str, resource: str, shape: str) -> list[str]:
    """Three paragraphs, the middle one a numbered list unless `shape` is "paragraphs"."""
    middle = (
        [
            f"      1. read the last 15 minutes of `{svc}` logs,",
            "      2. compare with the dashboard at the time of the alert,",
            "      3. note what you saw before changing anything.",
        ]
        if shape == "list"
        else [
            f"      Read the last 15 minutes of `{svc}` logs, compare them with the",
            "      dashboard at the time of the alert and note what you saw.",
        ]
    )
    return [
        "    detail: |",
        f"      Work **bottom-up** on `{svc}`: the first layer that fails is the one to",
        f"      fix; errors higher up are usually consequences of the {resource}.",
        "",
        *middle,
        "",
        f"      Run the checks **from the failing host**, not from your laptop. {detail_marker(index)}",
    ]


def _checks(svc: str) -> list[str]:
    return [
        "    checks:",
        f"      - run: {_q(f'kubectl -n {{namespace}} logs deploy/{svc} --since=15m | grep -c refused')}",
        "        where: kubectl context of the prod cluster",
        "        look_for: A count above zero in the last 15 minutes.",
        f"      - run: {_q(f'curl -sS -o /dev/null -w %{{{{http_code}}}} https://{svc}.internal/healthz')}",
        "        where: a host inside the service network",
        "        look_for: A status other than 200, or no answer within a second.",
    ]


def is_action(index: int) -> bool:
    """Every fifth spine node is an action (one way on: "Done: continue")."""
    return index % 5 == 4


def _spine_node(
    index: int, next_id: str, side: str, leaf: str, escalate: str, shape: str
) -> list[str]:
    svc = SERVICES[index % len(SERVICES)]
    resource = RESOURCES[index % len(RESOURCES)]
    head = [f"  {spine_id(index)}:"]
    if is_action(index):
        return [
            *head,
            "    kind: action",
            f"    title: Collect evidence from {svc} ({index})",
            f"    prompt: {_q(f'{prompt_marker(index)} Save the output below to the ticket before changing anything.')}",
            *_detail(index, svc, resource, shape),
            "    commands:",
            f"      - run: {_q(f'kubectl -n {{namespace}} get pods -l app={svc} -o wide')}",
            "        where: kubectl context of the prod cluster",
            "    verify: The output is attached to the ticket.",
            f"    next: {next_id}",
        ]
    return [
        *head,
        "    kind: question",
        f"    title: {resource.capitalize()} of {svc} ({index})",
        f"    prompt: {_q(f'{prompt_marker(index)} Does {svc} report errors from its {resource} in the last 15 minutes?')}",
        *_detail(index, svc, resource, shape),
        "    symptoms:",
        f"      - {_q(f'dial tcp 10.0.{index % 256}.7:5432: connect: connection refused')}",
        *_checks(svc),
        "    choices:",
        "      - label: Yes, errors in the last 15 minutes",
        f"        next: {next_id}",
        "      - label: No errors",
        f"        next: {side}",
        "      - label: Only on some pods",
        f"        next: {leaf}",
        "      - label: Cannot tell from the output",
        f"        next: {escalate}",
    ]


def _side_question(node_id: str, targets: list[str]) -> list[str]:
    out = [
        f"  {node_id}:",
        "    kind: question",
        f"    title: Side check {node_id}",
        f"    prompt: Is the problem limited to one zone ({node_id})?",
        "    checks:",
        "      - run: kubectl get nodes -L topology.kubernetes.io/zone",
        "        look_for: Not Ready nodes in one zone.",
        "    choices:",
    ]
    for j, target in enumerate(targets):
        out += [f"      - label: Answer {j + 1} of {node_id}", f"        next: {target}"]
    return out


def _leaf(node_id: str, number: int) -> list[str]:
    if number % 5 == 4:
        return [
            f"  {node_id}:",
            "    kind: escalation",
            "    level: L2",
            f"    reason: The change needs the service owners ({node_id}).",
        ]
    return [
        f"  {node_id}:",
        "    kind: conclusion",
        f"    title: Exhausted resource {node_id}",
        "    outcome: resolved",
        "    root_cause: The resource ran out under peak load.",
        "    resolution:",
        "      - do: Restart the deployment so new pods pick up the fixed configuration.",
        "    verify: The health check returns 200 and the alert clears.",
    ]


def walk_tree(tree_id: str, n: int, spine: int, shape: str = "list") -> str:
    """YAML text of a tree of exactly `n` nodes whose spine has `spine` nodes.

    `shape` is "list" (every detail has a numbered list: the costly case) or
    "paragraphs" (paragraphs only, like 70% of the shipped trees' details).
    """
    if n < spine + 3:
        raise ValueError("a tree needs room for its spine, the retry and stuck nodes and a leaf")
    retry, stuck = "retry", "stuck"
    side_nodes = n - spine - 2  # the rest: side questions and leaves
    leaves = max(1, side_nodes // 3)
    questions = side_nodes - leaves
    leaf_ids = [f"l{i:05d}" for i in range(leaves)]
    side_ids = [f"x{i:05d}" for i in range(questions)]
    lines = [
        f"id: {tree_id}",
        f"title: Synthetic walk of {n:,} nodes",
        'version: "1.0.0"',
        "purpose: Benchmark the app on a tree of known size.",
        "scope: Synthetic services in a benchmark; not a real runbook.",
        "owners: [platform-sre]",
        "escalation:",
        "  L2:",
        "    team: Platform SRE",
        '    channel: "#platform-sre"',
        "    when: The checks of this tree did not restore the service within 30 minutes.",
        "review:",
        "  last_updated: 2026-10-01",
        "  updated_by: platform-sre",
        "  next_review: 2099-01-01",
        "variables:",
        "  namespace:",
        "    description: Kubernetes namespace of the service.",
        "    example: prod",
        f"start: {spine_id(0)}",
        "nodes:",
    ]
    # Side questions form a forest: question i points at questions 2i+1.. and leaves.
    asking = [i for i in range(spine) if not is_action(i)]
    roots = side_ids[: len(asking)]
    side_of = dict(zip(asking, roots, strict=False))
    for i in range(spine):
        next_id = spine_id(i + 1) if i + 1 < spine else retry
        side = side_of.get(i, leaf_ids[i % leaves])
        lines += _spine_node(i, next_id, side, leaf_ids[i % leaves], stuck, shape)
    lines += [
        f"  {retry}:",
        "    kind: question",
        "    title: Still failing after every check",
        f"    prompt: {_q(f'{prompt_marker(spine)} Did the alert clear after every check?')}",
        *_detail(spine, "checkout", "alert", shape),
        "    choices:",
        "      - label: No, start again from the first check",
        f"        next: {spine_id(0)}",
        "      - label: Yes",
        f"        next: {leaf_ids[0]}",
        f"  {stuck}:",
        "    kind: escalation",
        "    level: L2",
        "    reason: The checks do not tell what is wrong.",
    ]
    # Children of side question k: questions after the roots, handed out in order, then leaves.
    next_child = len(roots)
    for k, node_id in enumerate(side_ids):
        targets: list[str] = []
        for _ in range(2):
            if next_child < len(side_ids):
                targets.append(side_ids[next_child])
                next_child += 1
        while len(targets) < 3:
            targets.append(leaf_ids[(k * 3 + len(targets)) % leaves])
        lines += _side_question(node_id, targets)
    for number, node_id in enumerate(leaf_ids):
        lines += _leaf(node_id, number)
    return "\n".join(lines) + "\n"


def write_walk_tree(directory: Path, tree_id: str, n: int, spine: int, shape: str = "list") -> Path:
    """Write `walk_tree` to `directory/<tree_id>.yaml` and return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{tree_id}.yaml"
    path.write_text(walk_tree(tree_id, n, spine, shape), encoding="utf-8")
    return path
