"""Operations statistics from session journals: usage, outcomes, time to conclusion, trouble spots.

Reading is the hot path (10,000 journals in a few seconds): each journal is
split with plain `json.loads` (`dectree.records.reader.read_lines`) and reduced
to a `SessionSummary` without pydantic. `compute` then aggregates summaries.

Counting rules, also printed with the figures:

- a finished session counts with its recorded outcome;
- an unfinished session counts as abandoned once it has had no activity for
  `stale_after` (default 24 hours), at the node where it stood; before that it
  is in progress, and left out of the outcome split and of the times;
- time to conclusion is start to finish of sessions that ended resolved,
  workaround or escalated; the median is the middle value (mean of the two
  middle ones for an even count), the 90th percentile is the nearest-rank value
  (the smallest value with at least 90% of values at or below it);
- "went back" counts each `back` or `reopen` at the step made current again:
  the question the engineer chose to answer anew.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dectree.records.jsonlines import JournalError, read_lines
from dectree.text.plain import check_moment

OUTCOMES = ("resolved", "workaround", "escalated", "abandoned")
CONCLUDED = ("resolved", "workaround", "escalated")
DEFAULT_STALE = dt.timedelta(hours=24)


@dataclass
class SessionSummary:
    """What statistics need from one journal."""

    path: Path
    session_id: str
    tree_id: str
    incident: str | None
    started_at: dt.datetime
    last_at: dt.datetime
    ended_at: dt.datetime | None = None
    outcome: str | None = None
    end_ref: str | None = None
    backs: list[str] = field(default_factory=list)
    trail: list[str] = field(default_factory=list, repr=False)
    titles: dict[str, str] = field(default_factory=dict)
    tree_titles: dict[str, str] = field(default_factory=dict)
    torn: bool = False
    damaged: list[tuple[int, str]] = field(default_factory=list)
    """Lines skipped as unreadable, with why (the rest of the journal still counts)."""


def parse_time(text: Any) -> dt.datetime:
    """An ISO 8601 timestamp as written by pydantic (`...Z`), as an aware datetime."""
    if not isinstance(text, str):
        raise ValueError(f"not a timestamp: {text!r}")
    moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    return check_moment(moment)  # the rule the journal reader's models apply


def _ref(ref: str, tree_id: str) -> str:
    return ref if ":" in ref else f"{tree_id}:{ref}"


def _text(obj: dict[str, Any], key: str, *, optional: bool = False) -> Any:
    """`obj[key]` if it is text (or missing/null when `optional`); ValueError otherwise.

    The fast path reads journals without the models, so it checks the types of the
    fields it uses itself: a hostile journal is a `path:line` problem, never a crash."""
    value = obj.get(key) if optional else obj[key]
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected text, got {type(value).__name__}")
    return value


def _index(obj: dict[str, Any], key: str) -> int:
    value = obj[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{key}: expected a step number (0 or more), got {value!r:.40}")
    return value


def summarize(path: Path) -> SessionSummary:
    """Reduce one journal to a summary; raises `JournalError` if its header is unreadable.

    A line after the header that is not what it should be is skipped and noted in
    `damaged` as `(line, why)`; every other line still counts."""
    raw = read_lines(path)
    number, header = raw.lines[0]
    try:
        if number != 1 or header.get("type") != "header":
            raise ValueError("the first line is not a journal header")
        started = parse_time(header["started_at"])
        summary = SessionSummary(
            path,
            _text(header, "session_id"),
            _text(header, "tree_id"),
            _text(header, "incident", optional=True),
            started,
            started,
            torn=raw.torn_line is not None,
            damaged=list(raw.bad_lines),
        )
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise JournalError(path, number, _why(exc)) from None
    events: list[tuple[int, dict[str, Any]]] = []
    resumed_at = started
    for number, obj in raw.lines[1:]:
        try:
            kind = obj.get("type")
            if kind == "node":
                title = obj.get("title") or obj.get("text")
                ref = f"{_text(obj, 'tree_id')}:{_text(obj, 'node_id')}"
                if title:
                    summary.titles[ref] = _text({"title": title}, "title")
            elif kind == "tree":
                summary.tree_titles[_text(obj, "tree_id")] = _text(obj, "title")
            elif kind == "resumed":
                keep = _index(obj, "keep_through")
                at = parse_time(obj["at"])
                events = [(n, e) for n, e in events if e["seq"] <= keep]
                resumed_at = max(resumed_at, at)
            elif "seq" in obj:
                if not isinstance(obj["seq"], int) or isinstance(obj["seq"], bool):
                    raise ValueError(f"seq: expected a number, got {obj['seq']!r:.40}")
                _check_event(obj)
                events.append((number, obj))
            else:
                raise ValueError(f"unknown line type {kind!r:.40}")
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            summary.damaged.append((number, _why(exc)))
    for _, event in events:
        _apply(summary, event)
    if events:
        summary.last_at = parse_time(events[-1][1]["at"])
    summary.last_at = max(summary.last_at, resumed_at)
    summary.damaged.sort()
    return summary


def _why(exc: BaseException) -> str:
    return f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)


def _check_event(event: dict[str, Any]) -> None:
    """Raise ValueError if an event's fields that statistics use have the wrong types."""
    kind = _text(event, "type")
    parse_time(event["at"])
    if kind == "started":
        _text(event, "tree_id"), _text(event, "node_id")
    elif kind in ("answered", "proceeded", "jumped") or (
        kind == "fix_confirmed" and event.get("next_ref") is not None
    ):
        _text(event, "next_ref"), _text(event, "tree_id")
    elif kind in ("back", "reopened"):
        _index(event, "step"), _text(event, "tree_id"), _text(event, "node_id")
    elif kind == "finished":
        outcome = _text(event, "outcome")
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome: {outcome!r:.40} is not one of {', '.join(OUTCOMES)}")
        _text(event, "tree_id"), _text(event, "node_id")


def _apply(summary: SessionSummary, event: dict[str, Any]) -> None:
    """Advance the summary's notion of where the walk stands by one (checked) event."""
    kind = event["type"]
    path = summary.trail
    if kind == "started":
        path[:] = [f"{event['tree_id']}:{event['node_id']}"]
    elif kind in ("answered", "proceeded", "jumped") or (
        kind == "fix_confirmed" and event.get("next_ref")
    ):
        path.append(_ref(event["next_ref"], event["tree_id"]))
    elif kind in ("back", "reopened"):
        del path[event["step"] + 1 :]
        summary.backs.append(f"{event['tree_id']}:{event['node_id']}")
    elif kind == "incident":
        summary.incident = str(event["incident"])  # named during the walk
        return
    elif kind == "finished":
        summary.outcome = event["outcome"]
        summary.ended_at = parse_time(event["at"])
        summary.end_ref = f"{event['tree_id']}:{event['node_id']}"
        return
    if path:
        summary.end_ref = path[-1]


@dataclass(frozen=True)
class Options:
    """Filters and counting rules."""

    now: dt.datetime
    since: dt.date | None = None
    tree: str | None = None
    stale_after: dt.timedelta = DEFAULT_STALE
    top: int = 10


def median_p90(values: list[float]) -> dict[str, float | int | None]:
    """Count, median and nearest-rank 90th percentile of durations in seconds."""
    if not values:
        return {"count": 0, "median_seconds": None, "p90_seconds": None}
    ordered = sorted(values)
    rank = max(math.ceil(0.9 * len(ordered)), 1)
    return {
        "count": len(ordered),
        "median_seconds": statistics.median(ordered),
        "p90_seconds": ordered[rank - 1],
    }


def _rates(counts: Counter[str]) -> dict[str, float | None]:
    total = sum(counts[o] for o in OUTCOMES)
    if not total:
        return {"success": None, "escalation": None, "abandonment": None}
    return {
        "success": (counts["resolved"] + counts["workaround"]) / total,
        "escalation": counts["escalated"] / total,
        "abandonment": counts["abandoned"] / total,
    }


def counted_outcome(summary: SessionSummary, options: Options) -> str | None:
    """The outcome a session counts with; None while it is in progress."""
    if summary.outcome is not None:
        return summary.outcome
    if options.now - summary.last_at >= options.stale_after:
        return "abandoned"
    return None


def compute(
    summaries: Iterable[SessionSummary], options: Options, *, skipped: int = 0
) -> dict[str, Any]:
    """The statistics as a JSON-ready dict (the `--format json` output)."""
    chosen = [
        s
        for s in summaries
        if (
            options.since is None
            or s.started_at.astimezone(dt.timezone.utc).date() >= options.since
        )
        and (options.tree is None or s.tree_id == options.tree)
    ]
    overall: Counter[str] = Counter()
    per_tree: dict[str, Counter[str]] = defaultdict(Counter)
    tree_times: dict[str, list[float]] = defaultdict(list)
    ends: dict[str, list[float]] = defaultdict(list)
    end_outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    abandoned: Counter[str] = Counter()
    backs: Counter[str] = Counter()
    back_sessions: Counter[str] = Counter()
    titles: dict[str, str] = {}
    tree_titles: dict[str, str] = {}
    for s in chosen:
        outcome = counted_outcome(s, options)
        key = outcome or "in_progress"
        overall[key] += 1
        per_tree[s.tree_id][key] += 1
        for ref, title in s.titles.items():
            titles.setdefault(ref, title)
        for tree_id, title in s.tree_titles.items():
            tree_titles.setdefault(tree_id, title)
        if outcome in CONCLUDED and s.ended_at is not None and s.end_ref is not None:
            seconds = (s.ended_at - s.started_at).total_seconds()
            tree_times[s.tree_id].append(seconds)
            ends[s.end_ref].append(seconds)
            end_outcomes[s.end_ref][outcome] += 1
        elif outcome == "abandoned" and s.end_ref is not None:
            abandoned[s.end_ref] += 1
        backs.update(s.backs)
        back_sessions.update(set(s.backs))

    def node(ref: str) -> dict[str, Any]:
        return {"node": ref, "title": titles.get(ref)}

    trees = []
    for tree_id in sorted(per_tree, key=lambda t: (-sum(per_tree[t].values()), t)):
        counts = per_tree[tree_id]
        trees.append(
            {
                "tree": tree_id,
                "title": tree_titles.get(tree_id),
                "sessions": sum(counts.values()),
                "in_progress": counts["in_progress"],
                "outcomes": {o: counts[o] for o in OUTCOMES},
                "rates": _rates(counts),
                "time_to_conclusion": median_p90(tree_times[tree_id]),
            }
        )
    conclusions = [
        {
            **node(ref),
            "count": len(times),
            "outcomes": dict(end_outcomes[ref]),
            "time_to_conclusion": median_p90(times),
        }
        for ref, times in sorted(ends.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
    return {
        "sessions": len(chosen),
        "filters": {
            "since": options.since.isoformat() if options.since else None,
            "tree": options.tree,
        },
        "counting": {
            "in_progress": overall["in_progress"],
            "stale_after_hours": options.stale_after.total_seconds() / 3600,
            "rule": (
                "unfinished sessions count as abandoned after "
                f"{_hours(options.stale_after)} without activity; younger ones are in progress "
                "and left out of outcomes and times"
            ),
        },
        "skipped_unreadable": skipped,
        "damaged_journals": sum(1 for s in chosen if s.damaged),
        "outcomes": {o: overall[o] for o in OUTCOMES},
        "rates": _rates(overall),
        "trees": trees,
        "conclusions": conclusions[: options.top],
        "abandoned_at": [{**node(ref), "count": n} for ref, n in _top(abandoned, options.top)],
        "went_back_to": [
            {**node(ref), "count": n, "sessions": back_sessions[ref]}
            for ref, n in _top(backs, options.top)
        ],
    }


def _top(counter: Counter[str], limit: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:limit]


def _hours(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g} h"


def collect(paths: Iterable[Path]) -> tuple[list[SessionSummary], list[JournalError]]:
    """Summaries of every readable journal, and the errors of the others."""
    summaries: list[SessionSummary] = []
    errors: list[JournalError] = []
    for path in paths:
        try:
            summaries.append(summarize(path))
        except JournalError as exc:
            errors.append(exc)
    return summaries, errors
