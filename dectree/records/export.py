"""Rendering a transcript as Markdown (for a ticket or a review) or JSON, and writing it safely.

Markdown: a summary table, the root cause, the steps table, the steps undone
(gone back from, or voided on resume), the resolution, the commands copied,
every escalation with its contact and what to attach, then how the walk went
(going back, resumes, searches, variables). Every string that comes from a
tree, a note or a variable is made inert (`dectree.text.escape`): typed text
and prompts are escaped only where a character would mean something
(`md_text`), so `procs_blocked` stays readable; in table cells pipes and
newlines cannot break the table (a newline becomes `<br>`). Author Markdown
(root causes, resolution steps, "hand over when") is kept as Markdown, code
blocks included, outside tables and contained (`md_block`, `md_labelled`).

`write_atomic` writes through a temporary file in the same directory and a
rename, and refuses to replace an existing file unless told to.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from pathlib import Path

from dectree.engine.events import SessionOutcome
from dectree.records.transcript import (
    Transcript,
    TranscriptCommand,
    TranscriptEscalation,
    TranscriptSearch,
    TranscriptStep,
)
from dectree.text.escape import (
    md_block,
    md_code,
    md_code_block,
    md_inline,
    md_labelled,
    md_text,
    one_line,
)
from dectree.text.plain import format_duration, format_time, json_safe, visible_controls

OUTCOME_TEXT = {
    SessionOutcome.resolved: "Resolved",
    SessionOutcome.workaround: "Workaround",
    SessionOutcome.escalated: "Escalated",
    SessionOutcome.abandoned: "Abandoned",
}


class ExportExists(Exception):
    """The output file exists and `force` was not given."""


def md_text_cell(text: str | None, *, prose: bool = False) -> str:
    """Untrusted text for a table cell: escaped, on one line.

    Typed text (notes, answers) keeps its line breaks as `<br>`. Tree `prose`
    is Markdown: a single newline is a soft wrap (a space), a blank line a new
    paragraph (`<br><br>`).
    """
    if not text:
        return ""
    if not prose:
        return "<br>".join(md_text(line) for line in text.splitlines() if line.strip())
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "<br><br>".join(md_text(" ".join(p.split())) for p in paragraphs)


def outcome_text(transcript: Transcript) -> str:
    """The outcome as a word, or "In progress"."""
    return "In progress" if transcript.outcome is None else OUTCOME_TEXT[transcript.outcome]


def _outcome_row(t: Transcript) -> str:
    """How the walk ended, in the engineer's words, with the step it ended at."""
    c = t.conclusion
    last = len(t.steps)
    if t.outcome in (SessionOutcome.resolved, SessionOutcome.workaround) and c is not None:
        return f"Fixed (the engineer's answer at step {c.step})"
    if t.outcome is SessionOutcome.escalated:
        levels = [e.level for e in t.escalations if e.level]
        to = f" to {levels[-1]}" if levels else ""
        return f"Escalated{to} (handed over at step {last})"
    if t.outcome is SessionOutcome.abandoned:
        return f"Abandoned at step {last}"
    return outcome_text(t)


def _conclusion_rows(t: Transcript) -> list[tuple[str, str]]:
    c = t.conclusion
    if c is None:
        return []
    ref = md_code(f"{c.tree_id}:{c.node_id}", in_table=True)
    name = f"{md_text(c.title)} ({ref})" if c.title else ref
    abandoned = t.outcome is SessionOutcome.abandoned
    if c.fixed is False:
        name += f": tried at step {c.step}, did not fix it"
        key = "Conclusion tried"
    elif c.fixed is True:
        key = "Conclusion"
    elif abandoned:
        name += f": reached at step {c.step}, not confirmed"
        key = "Where the walk stood when abandoned"
    else:
        name += f": reached at step {c.step}, not confirmed yet"
        key = "Conclusion reached"
    rows = [(key, name)]
    if c.outcome and c.fixed is not False:  # a resolution that did not fix it: its kind is moot
        kind = CONCLUSION_KIND.get(c.outcome, md_text(c.outcome))
        if c.level:
            kind += f", level {md_text(c.level)}"
        rows.append(("What the tree offers", kind))
    return rows


# A conclusion's kind as the tree states it, worded so that it never reads as
# the outcome of the walk ("resolved" beside "Escalated to L2" did).
CONCLUSION_KIND = {
    "resolved": "a fix",
    "workaround": "a workaround",
    "escalate": "an escalation",
}


def _cause_heading(t: Transcript) -> str:
    c = t.conclusion
    assert c is not None
    if c.fixed is True:
        return "Root cause"
    if c.fixed is False:
        return "Suspected root cause (not confirmed: the resolution did not fix it)"
    if t.outcome is SessionOutcome.abandoned:
        return "Suspected root cause (not confirmed: the walk was abandoned)"
    if t.outcome is SessionOutcome.escalated:
        return "Suspected root cause (not confirmed)"
    return "Suspected root cause (not confirmed yet)"


def _summary(t: Transcript) -> list[str]:
    tree = f"{md_text(t.tree.title)} ({md_code(t.tree.tree_id, in_table=True)}, "
    tree += f"version {md_text(t.tree.version)})"
    rows: list[tuple[str, str]] = [
        ("Tree", tree),
        ("Incident", md_text(t.incident) if t.incident else "none given"),
        ("Engineer", f"{md_text(t.engineer)} on {md_text(t.host)}"),
        ("Started", format_time(t.started_at)),
    ]
    if t.ended_at is not None:
        rows += [
            ("Ended", format_time(t.ended_at)),
            ("Duration", format_duration(t.duration_seconds)),
        ]
    else:
        rows += [("Ended", "not yet (in progress)")]
        rows += [("Duration so far", format_duration(t.duration_seconds))]
    started = next((q for q in t.searches if q.started), None)
    if started is not None:
        rows.append(
            ("Started from search", md_code(started.query, in_table=True) + search_entry_text(started))
        )
    rows.append(("Outcome", _outcome_row(t)))
    rows += _conclusion_rows(t)
    if t.escalations:
        rows.append(("Escalated to", "; then ".join(_contact(e) for e in t.escalations)))
    lines = ["| | |", "|---|---|"]
    lines += [f"| **{key}** | {value} |" for key, value in rows]
    return lines


MATCH_FIELD = {"symptoms": "symptom", "tree.symptoms": "symptom"}


def search_entry_text(q: TranscriptSearch) -> str:
    """` → entry step (matched symptom "..."; suggested answer "...")`, escaped; "" without one."""
    if q.entry is None:
        return ""
    name = md_inline(q.entry_title) if q.entry_title else md_code(q.entry, in_table=True)
    text = f" → {name}"
    why: list[str] = []
    if q.matched is not None and q.field is not None:
        verb = "matched" if q.strength == "exact" else "words in"
        field = MATCH_FIELD.get(q.field, q.field.replace("_", " "))
        why.append(f"{verb} {field} {md_code(q.matched, in_table=True)}")
    elif q.strength == "weak":
        why.append("no step matched clearly: the tree's first question")
    if q.suggested:
        why.append(f"suggested answer {md_code(q.suggested, in_table=True)}")
    if q.strength and q.matched is not None:
        why.append(f"{q.strength} match")
    return text + (f" ({'; '.join(why)})" if why else "")


def _contact(e: TranscriptEscalation) -> str:
    parts = [e.level or "unspecified level"]
    if e.team:
        parts.append(md_text(e.team))
    if e.channel:
        parts.append(md_text(e.channel))
    text = ", ".join(parts[:1]) + (": " + ", ".join(parts[1:]) if len(parts) > 1 else "")
    if e.response_target:
        text += f" (response target: {md_text(e.response_target)})"
    return text


def _escalations(t: Transcript) -> list[str]:
    """Every escalation step: who, how to reach them, why, when to hand over, what to attach."""
    out: list[str] = []
    for e in t.escalations:
        where = f"Step {e.step}: " if e.step else ""
        title = f" · {md_inline(e.title)}" if e.title else ""
        state = " (the walk ended here, escalated)" if e.final else ""
        out += [f"### {where}{md_inline(e.level or 'Escalation')}{title}{state}", ""]
        if e.team or e.channel:
            out.append(f"- Contact: {_contact(e)}")
        else:
            out.append(f"- Contact: this tree names no {md_text(e.level or '')} contact")
        if e.reason:
            out += md_labelled("- Why: ", e.reason, indent="  ")
        if e.when:
            out += md_labelled("- Hand over when: ", e.when, indent="  ")
        if e.attach:
            out.append("- Attach:")
            for item in e.attach:
                out += md_labelled("  - [ ] ", item, indent="    ")
        out.append("")
    return out


def _steps(t: Transcript) -> list[str]:
    lines = ["| # | Question | Answer | Time | Note |", "|--:|---|---|--:|---|"]
    for s in t.steps:
        time = "" if s.seconds is None else format_duration(s.seconds)
        answer = md_text_cell(s.answer) if s.answer else "*(current step)*"
        if s.answer is None and t.outcome is not None:
            answer = f"*(walk ended: {outcome_text(t).lower()})*"
        lines.append(
            f"| {s.number} | {_question(s)} | {answer} | {time} | {md_text_cell(s.note)} |"
        )
    return lines


KIND_PREFIX = {"action": "Action", "conclusion": "Conclusion"}


def _question(step: TranscriptStep) -> str:
    """The step's text; anything but a question says what kind of step it was.

    Conclusions and escalations show their title: the root cause and the
    escalation contact are in the summary, and a reason can run to a page.
    """
    prefix = KIND_PREFIX.get(step.kind or "")
    if step.kind == "escalation" and step.title:
        return md_text_cell(step.title, prose=True)
    text = step.title if step.kind == "conclusion" and step.title else step.question
    cell = md_text_cell(text, prose=True)
    return f"*{prefix}:* {cell}" if prefix else cell


UNDONE_WHY = {"back": "went back", "reopened": "reopened an earlier step", "voided": "voided"}


def _undone(t: Transcript) -> list[str]:
    """Answers and notes no longer on the path, marked with how they were undone."""
    if not t.undone:
        return []
    lines = ["| # | Question | Answer | Note | Undone |", "|--:|---|---|---|---|"]
    for u in t.undone:
        outcome = u.kind in ("conclusion", "escalation")
        text = u.title if u.title and outcome else u.question
        if u.why == "voided":
            how = "voided on resume (the tree changed)"
        else:
            how = f"{UNDONE_WHY[u.why]}, {format_time(u.at)}" if u.at else UNDONE_WHY[u.why]
        answer = md_text_cell(u.answer) if u.answer else "*(no answer)*"
        lines.append(
            f"| {u.number} | {md_text_cell(text, prose=True)} | {answer} | "
            f"{md_text_cell(u.note)} | {how} |"
        )
    return lines


def _commands(t: Transcript) -> list[str]:
    """The commands the engineer copied, each once, after a comment naming its steps."""
    groups: dict[tuple[str, str], list[TranscriptCommand]] = {}
    for c in t.commands:
        if c.copied:
            groups.setdefault((f"{c.tree_id}:{c.node_id}", c.command), []).append(c)
    titles = {(s.number, s.tree_id, s.node_id): s.title or s.node_id for s in t.steps}
    titles.update({(u.number, u.tree_id, u.node_id): u.title or u.node_id for u in t.undone})
    body: list[str] = []
    for (_ref, command), uses in groups.items():
        first = uses[0]
        label = one_line(titles.get((first.step, first.tree_id, first.node_id), first.node_id))
        numbers = ", ".join(
            f"{u.step} (gone back from)" if u.undone else str(u.step) for u in uses
        )
        body += [f"# step {numbers}: {label}", command.rstrip("\n")]
    lines = (
        ["Copied during the walk (values not set, and secret ones, left as `{name}`):", ""]
        if body
        else []
    )
    lines += md_code_block("\n".join(body), "sh") if body else []
    shown = len({(c.tree_id, c.node_id, c.index) for c in t.commands if not c.copied})
    if shown:
        lines += [""] if lines else []
        lines.append(
            f"{'Also shown' if body else 'Shown'} at these steps and not copied: {shown} "
            "command(s), listed in the JSON export (`dectree export --format json`)."
        )
    return lines


def _attempts(t: Transcript) -> list[str]:
    """Other walks for the same incident, one line each."""
    lines = []
    for a in t.attempts:
        tree = md_text(a.tree_title or a.tree_id)
        how = OUTCOME_TEXT[SessionOutcome(a.outcome)].lower() if a.outcome else "not finished"
        where = f" at {md_text(a.stood_at)}" if a.stood_at else ""
        lines.append(
            f"- {format_time(a.started_at)}: {tree}, {how}{where} (session {md_code(a.session_id[:12])})"
        )
    return lines


RUN_STATUS = {
    "timed_out": "timed out",
    "cancelled": "cancelled",
    "failed": "could not start",
    "interrupted": "interrupted (dectree stopped during the run)",
}


def _runs(t: Transcript) -> list[str]:
    """Each check run: command, how it ended, suggestions, then the output folded away."""
    lines: list[str] = []
    for run in t.runs:
        step = t.steps[run.step - 1] if 0 < run.step <= len(t.steps) else None
        if step is not None and (step.tree_id, step.node_id) != (run.tree_id, run.node_id):
            step = None  # that step was undone (went back); name the node the run was at
        where = md_inline(one_line(step.title or step.node_id)) if step else md_code(run.node_id)
        if run.status == "exited":
            how = f"exit {run.exit_code}"
        else:
            how = RUN_STATUS.get(run.status, run.status)
        took = "" if run.seconds is None else f", {format_duration(run.seconds)}"
        if run.seconds is not None and run.seconds < 1:
            took = f", {run.seconds:.2f} s"
        lines += [f"**Step {run.step}, {where}: check {run.index + 1}** ({how}{took})", ""]
        lines += md_code_block(run.command, "sh")
        if run.error:
            lines += ["", f"Could not run: {md_inline(run.error)}"]
        for match in run.suggested:
            seen = f": {md_code(match.line)}" if match.line else ""
            lines += ["", f"Suggested {md_inline(match.label)}{seen}"]
        if run.status != "interrupted":
            size = f"{run.total_bytes:,} bytes"
            notes = [size]
            if run.cut_bytes:
                notes.append(f"{run.cut_bytes:,} cut from the middle")
            if run.redactions:
                notes.append(f"{run.redactions} credential(s) redacted")
            lines += ["", f"<details><summary>Output ({', '.join(notes)})</summary>", ""]
            lines += md_code_block(visible_controls(run.output) or "(no output)", "text")
            lines += ["", "</details>"]
        lines.append("")
    return lines[:-1] if lines else lines


def _history(t: Transcript) -> list[str]:
    timed: list[tuple[dt.datetime, str]] = []
    for b in t.backtracks:
        how = "Went back" if b.kind == "back" else "Reopened"
        ref = md_code(f"{b.tree_id}:{b.node_id}")
        timed.append((b.at, f"{how} to step {b.to_step} ({ref})"))
    for r in t.resumes:
        why = f": {md_inline(r.reason)}" if r.reason else ""
        who = f"{md_inline(r.engineer)} on {md_inline(r.host)}"
        timed.append((r.at, f"Resumed by {who}{why}"))
    parked_at: dt.datetime | None = None
    for pause in t.pauses:
        ref = md_code(f"{pause.tree_id}:{pause.node_id}")
        if pause.kind == "parked":
            parked_at = pause.at
            text = f"Parked at step {pause.step} ({ref}) to look elsewhere"
        else:
            after = (
                f" after {format_duration((pause.at - parked_at).total_seconds())}"
                if parked_at is not None
                else ""
            )
            parked_at = None
            text = f"Taken up again at step {pause.step} ({ref}){after}"
        timed.append((pause.at, text))
    for q in t.searches:
        if q.started:
            continue  # in the summary
        where = search_entry_text(q)
        timed.append((q.at, f"Searched {md_code(q.query)} ({q.hits} hits){where}"))
    # In the order they happened (the sort is stable: same-time items keep their kind's order).
    items = [f"- {format_time(at)}: {text}" for at, text in sorted(timed, key=lambda x: x[0])]
    for v in t.variables:
        value = "*(secret, not recorded)*" if v.secret else md_code(v.value or "")
        items.append(f"- Variable {md_code(v.name)} = {value}")
    if t.interrupted:
        items.append("- The record ends with an interrupted write (the terminal died mid-step).")
    if t.damaged_lines:
        lines = ", ".join(str(n) for n in t.damaged_lines)
        items.append(
            f"- The journal is damaged: line(s) {lines} could not be read and are left out."
        )
    return items


def _resolution_heading(t: Transcript) -> str:
    c = t.conclusion
    assert c is not None
    if c.fixed is False:
        return "Resolution tried (it did not fix it)"
    if c.fixed is None and t.outcome is SessionOutcome.abandoned:
        return "Resolution shown (not confirmed: the walk was abandoned)"
    if c.fixed is None:
        return "Resolution shown (not confirmed)"
    return "Resolution"


def render_markdown(t: Transcript) -> str:
    """The transcript as Markdown, ready to paste into an incident ticket."""
    title = md_inline(t.tree.title)
    incident = f" ({md_inline(t.incident)})" if t.incident else ""
    out = [f"# Troubleshooting record: {title}{incident}", "", *_summary(t), ""]
    if t.conclusion is not None and t.conclusion.root_cause.strip():
        out += [f"## {_cause_heading(t)}", "", *md_block(t.conclusion.root_cause), ""]
    out += ["## Steps", "", *_steps(t), ""]
    undone = _undone(t)
    if undone:
        out += ["## Answers and notes no longer on the path", "", *undone, ""]
    if t.conclusion is not None and t.conclusion.resolution:
        out += [f"## {_resolution_heading(t)}", ""]
        for number, step in enumerate(t.conclusion.resolution, start=1):
            out += md_labelled(f"{number}. ", step.do, indent="   ")
            if step.run:
                out += ["", *("   " + line for line in md_code_block(step.run, "sh"))]
            out.append("")
    runs = _runs(t)
    if runs:
        out += ["## Checks run", "", *runs, ""]
    commands = _commands(t)
    if commands:
        out += ["## Commands", "", *commands, ""]
    escalations = _escalations(t)
    if escalations:
        out += ["## Escalation", "", *escalations]
    attempts = _attempts(t)
    if attempts:
        out += ["## Other walks for this incident", "", *attempts, ""]
    history = _history(t)
    if history:
        out += ["## How the walk went", "", *history, ""]
    out += [
        "---",
        f"Recorded by dectree {md_inline(t.dectree_version)}, session {md_code(t.session_id)}, "
        f"tree content {md_code(t.tree.hash)}.",
    ]
    return "\n".join(out) + "\n"


def render_json(t: Transcript) -> str:
    """The transcript as JSON (schema: `dectree schema --transcript`), C1 controls,
    bidi and other invisible characters written as `\\uXXXX` (the same data)."""
    return json_safe(t.model_dump_json(indent=2)) + "\n"


def write_atomic(path: Path, text: str, *, force: bool = False) -> None:
    """Write `text` to `path` via a temporary file and a rename.

    Raises `ExportExists` if `path` exists and not `force`; `OSError` if the
    directory cannot be written.
    """
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory: name a file to write (-o DIR/record.md)")
    if path.exists() and not force:
        raise ExportExists(f"{path}: already exists (use --force to replace it)")
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if force:
            os.replace(tmp, path)
        else:
            _link_no_clobber(Path(tmp), path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _link_no_clobber(tmp: Path, path: Path) -> None:
    """Put `tmp` at `path` unless something is there already (also if it appeared meanwhile)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise ExportExists(f"{path}: already exists (use --force to replace it)") from None
    except OSError:  # a file system without hard links
        if path.exists():
            raise ExportExists(f"{path}: already exists (use --force to replace it)") from None
        os.replace(tmp, path)
