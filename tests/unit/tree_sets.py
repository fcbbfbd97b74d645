"""Random sets of small trees linked to each other, for the differential tests.

Each tree has a few nodes whose references go, at random, to nodes of the
same tree (loops included), to nodes of other trees (which may not exist),
or nowhere; some escalations lead on, some conclusions have `if_not_fixed`;
scenarios name nodes of other trees. Everything is valid YAML and passes the
schema unless `broken` edits say otherwise.
"""

from __future__ import annotations

import random

HEADER = """\
id: {id}
title: Tree {id}
version: "1"
purpose: Test.
scope: Test.
escalation:
  L2: {{team: SRE, channel: "#sre", when: Always.}}
review: {{last_updated: 2026-01-01, updated_by: me, next_review: {review}}}
start: {start}
nodes:
"""


def _ref(rng: random.Random, tree_id: str, size: int, ids: list[str]) -> str:
    roll = rng.random()
    if roll < 0.6:
        return f"n{rng.randrange(size)}"
    if roll < 0.9:
        other = rng.choice(ids)
        return f"{other}:n{rng.randrange(size + 1)}"  # n{size} may not exist
    if roll < 0.95:
        return f"nowhere{rng.randrange(3)}"
    return f"{tree_id}:n{rng.randrange(size)}"


def tree_text(rng: random.Random, tree_id: str, ids: list[str], *, size: int = 5) -> str:
    """A random tree `tree_id` of `size` nodes linking into the trees `ids`."""
    lines = [
        HEADER.format(
            id=tree_id,
            review=rng.choice(["2099-01-01", "2026-01-01"]),
            start=rng.choice(["n0", "n0", "n0", "nope"]),
        )
    ]
    for n in range(size):
        kind = rng.choice(["question", "question", "action", "conclusion", "escalation"])
        lines.append(f"  n{n}:\n    kind: {kind}\n")
        if kind == "question":
            choices = rng.randrange(0, 4)
            lines.append("    prompt: Up?\n    checks: [{run: uptime}]\n    choices:")
            lines.append(" []\n" if choices == 0 else "\n")
            for c in range(choices):
                ref = _ref(rng, tree_id, size, ids)
                lines.append(f'      - {{label: "Answer {c}", next: "{ref}"}}\n')
        elif kind == "action":
            lines.append(f'    prompt: Do.\n    next: "{_ref(rng, tree_id, size, ids)}"\n')
        elif kind == "conclusion":
            lines.append(
                "    outcome: resolved\n    root_cause: Fine.\n    resolution: [{do: Nothing.}]\n"
            )
            if rng.random() < 0.5:
                lines.append(f'    if_not_fixed: "{_ref(rng, tree_id, size, ids)}"\n')
        else:
            lines.append("    level: L2\n    reason: Broken.\n")
            if rng.random() < 0.5:
                lines.append(f'    next: "{_ref(rng, tree_id, size, ids)}"\n')
    if rng.random() < 0.4:
        other = rng.choice(ids)
        lines.append(
            "scenarios:\n"
            f'  - name: s\n    incident: Down.\n    start: "{other}:n0"\n'
            f'    expect: "{other}:n{rng.randrange(size)}"\n'
            f'    answers: [{{at: "{other}:n{rng.randrange(size + 1)}", choose: "Answer 0"}}]\n'
        )
    return "".join(lines)


def tree_set(rng: random.Random, count: int = 5) -> dict[str, str]:
    """Tree id -> text of `count` random trees linking into each other."""
    ids = [f"t{i}" for i in range(count)]
    return {tree_id: tree_text(rng, tree_id, ids) for tree_id in ids}
