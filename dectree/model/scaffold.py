"""A new tree's skeleton: every metadata field present and explained, and it validates.

`dectree new ID` writes this for tree authors starting a new guide. The
skeleton holds one node of each kind, wired so that `dectree validate` and
`dectree test` pass on it unchanged; every value to replace is marked
`<FILL IN: ...>`.
"""

from __future__ import annotations

import datetime as dt
import re

from dectree.model.tree import ID_PATTERN

REVIEW_INTERVAL = dt.timedelta(days=182)
MAX_ID_LENGTH = 100

TEMPLATE = """\
# A dectree troubleshooting tree. Replace every <FILL IN: ...>, then check it:
#   dectree validate {path}     (structure, links, metadata)
#   dectree test {path}         (the scenarios at the end)
#   dectree render {path}       (the Markdown runbook made from it)
# The format is described in docs/tree-format.md; `dectree schema` prints its JSON Schema.
# Text fields written with `|` are Markdown; short fields are plain text.

# Tree id: lowercase letters, digits, '-', '_', '.'. Other trees link here as `{tree_id}:node-id`.
id: {tree_id}
# Title shown in lists, search results and as the runbook's title.
title: "<FILL IN: what goes wrong, e.g. 'Disk full on a Linux host'>"
# Version of this tree's content; raise it with every change-log entry below.
version: "0.1.0"
# Why the tree exists: the problem it solves, in a sentence or two.
purpose: |
  <FILL IN: what this tree finds and fixes.>
# What the tree covers and what it leaves to other trees.
scope: |
  <FILL IN: systems, versions and situations covered; what is out of scope.>
# The recognised method the tree follows (e.g. the USE method, OSI layers bottom-up).
method: |
  <FILL IN: how the questions narrow the problem down, in the order they are asked.>
# What an engineer needs before starting: access, tools, permissions.
prerequisites:
  - "<FILL IN: e.g. shell access with sudo on the affected host>"
# Teams or people who maintain this tree.
owners:
  - "<FILL IN: owning team>"
# Words to find the tree by.
tags: [{tree_id}]
# Literal error messages or phrases an engineer would paste into search.
symptoms:
  - "<FILL IN: an exact error message>"
# Primary sources the tree's content relies on (manuals, specifications, vendor docs).
references:
  - title: "<FILL IN: source title>"
    url: "https://example.com/<FILL IN>"
# Who takes an escalation at each level, and when. Escalation nodes need a contact here.
escalation:
  L1:
    team: "<FILL IN: first-line on-call team>"
    channel: "<FILL IN: pager service, chat channel or ticket queue>"
    when: "<FILL IN: when to call L1>"
    response_target: "<FILL IN: e.g. 15 minutes>"
  L2:
    team: "<FILL IN: second-line team, e.g. platform SRE>"
    channel: "<FILL IN: #sre-oncall>"
    when: "<FILL IN: when L1 hands over to L2>"
    response_target: "<FILL IN: e.g. 1 hour (P2)>"
  L3:
    team: "<FILL IN: engineering team or vendor support>"
    channel: "<FILL IN: escalation queue>"
    when: "<FILL IN: when L2 hands over to L3>"
    response_target: "<FILL IN: e.g. next business day>"
# Review dates: `dectree validate` warns once next_review has passed.
review:
  last_updated: {today}
  updated_by: "<FILL IN: your name or team>"
  next_review: {next_review}
  changelog:
    - date: {today}
      author: "<FILL IN: your name or team>"
      change: First version.
# Placeholders used in commands as {{name}}; the walk asks for their values once.
variables:
  host:
    description: The affected host.
    example: web-01
    # default: web-01      # value offered when nobody types one
    secret: false           # true: never written to journals or transcripts
# The node where every walk starts.
start: first-check
# The nodes, by id. Kinds: question (a check with answers), action (do something,
# then go on), conclusion (root cause and resolution; ends the walk), escalation
# (hand over to L1/L2/L3; ends the walk unless it has `next`).
nodes:
  first-check:
    kind: question
    title: "<FILL IN: short name of the first check>"
    prompt: "<FILL IN: the question the check answers>"
    detail: |
      <FILL IN or delete: background shown under the question (Markdown).>
    symptoms: []
    checks:
      - run: ssh {{host}} uptime
        look_for: "<FILL IN: what in the output answers the question>"
        where: "<FILL IN or delete: where to run it, e.g. on your workstation>"
    choices:
      - label: "<FILL IN: first answer>"
        next: apply-fix
      - label: "<FILL IN: second answer>"
        next: escalate-l2
  apply-fix:
    kind: action
    title: "<FILL IN: short name of the step>"
    prompt: "<FILL IN: what to do>"
    commands:
      - run: "ssh {{host}} <FILL IN: command>"
    verify: "<FILL IN: how to tell the step worked>"
    next: fixed
  fixed:
    kind: conclusion
    title: "<FILL IN: short name of the cause>"
    outcome: resolved            # resolved, workaround or escalate (escalate needs `level`)
    root_cause: "<FILL IN: why it happened>"
    symptoms:                    # what search matches: the literal error, and the problem in plain words
      - "<FILL IN: the literal error message an engineer would paste>"
      - "<FILL IN: the problem in plain words, as someone would describe it>"
    resolution:
      - do: "<FILL IN: what to do>"
        run: "ssh {{host}} <FILL IN: command>"
    verify: "<FILL IN: how to confirm the problem is gone>"
    rollback: "<FILL IN: how to undo the resolution if it makes things worse>"
    if_not_fixed: escalate-l2
  escalate-l2:
    kind: escalation
    level: L2
    reason: "<FILL IN: why L2 must take over here>"
    attach:
      - "<FILL IN: what to attach, e.g. the output of the checks above>"
# Realistic incidents walked through the tree by `dectree test`.
scenarios:
  - name: "<FILL IN: short name>"
    incident: "<FILL IN: the incident in a sentence or two>"
    source: "<FILL IN or delete: public write-up of the incident>"
    answers:
      - at: first-check
        choose: "<FILL IN: first answer>"
    expect: fixed
  - name: "<FILL IN: short name of an incident L1 cannot fix>"
    incident: "<FILL IN: the incident in a sentence or two>"
    answers:
      - at: first-check
        choose: "<FILL IN: second answer>"
    expect: escalate-l2
"""


class ScaffoldError(ValueError):
    """The tree id cannot be used."""


def check_id(tree_id: str) -> None:
    """Raise ScaffoldError unless `tree_id` is a valid tree id."""
    if len(tree_id) > MAX_ID_LENGTH or not re.fullmatch(ID_PATTERN, tree_id):
        raise ScaffoldError(
            f"{tree_id!r} is not a valid tree id: use lowercase letters, digits, '-', '_' "
            f"and '.', starting with a letter or digit, at most {MAX_ID_LENGTH} characters"
        )


def skeleton(tree_id: str, *, today: dt.date, path: str | None = None) -> str:
    """The YAML text of a new tree with id `tree_id`, reviewed `today`."""
    check_id(tree_id)
    try:
        next_review = today + REVIEW_INTERVAL
    except OverflowError:
        raise ScaffoldError(
            f"{today.isoformat()}: too late a date, its next review would be after year 9999"
        ) from None
    return TEMPLATE.format(
        tree_id=tree_id,
        today=today.isoformat(),
        next_review=next_review.isoformat(),
        path=path or f"trees/{tree_id}.yaml",
    )
