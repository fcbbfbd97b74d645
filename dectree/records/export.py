"""Rendering a transcript as Markdown (for a ticket or a review) or JSON, and writing it safely.

Markdown: a summary table, the steps table, the resolution, the commands, the
escalation contact, then how the walk went (going back, resumes, searches,
variables). Every string that comes from a tree, a note or a variable is
escaped (`dectree.text.escape`); in table cells pipes, backticks and
newlines cannot break the table (a newline becomes `<br>`).

`write_atomic` writes through a temporary file in the same directory and a
rename, and refuses to replace an existing file unless told to.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from dectree.engine.events import SessionOutcome
from dectree.records.transcript import Transcript, TranscriptCommand, TranscriptStep
from dectree.text.escape import md_code, md_code_block, md_inline, one_line
from dectree.text.plain import format_duration, format_time

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
        return "<br>".join(md_inline(line) for line in text.splitlines() if line.strip())
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "<br><br>".join(md_inline(" ".join(p.split())) for p in paragraphs)


def outcome_text(transcript: Transcript) -> str:
    """The outcome as a word, or "In progress"."""
    return "In progress" if transcript.outcome is None else OUTCOME_TEXT[transcript.outcome]


def _summary(t: Transcript) -> list[str]:
    tree = f"{md_inline(t.tree.title)} ({md_code(t.tree.tree_id, in_table=True)}, "
    tree += f"version {md_inline(t.tree.version)})"
    rows: list[tuple[str, str]] = [
        ("Tree", tree),
        ("Incident", md_inline(t.incident) if t.incident else "none given"),
        ("Engineer", f"{md_inline(t.engineer)} on {md_inline(t.host)}"),
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
    rows.append(("Outcome", outcome_text(t)))
    if t.conclusion is not None:
        c = t.conclusion
        ref = md_code(f"{c.tree_id}:{c.node_id}", in_table=True)
        name = f"{md_inline(c.title)} ({ref})" if c.title else ref
        if c.fixed is False:
            name += f": tried at step {c.step}, did not fix it"
        cause = "Root cause" if c.fixed is not False else "Suspected root cause (not confirmed)"
        rows += [("Conclusion", name), (cause, md_text_cell(c.root_cause, prose=True))]
    if t.escalation is not None:
        rows.append(("Escalated to", _contact(t)))
    lines = ["| | |", "|---|---|"]
    lines += [f"| **{key}** | {value} |" for key, value in rows]
    return lines


def _contact(t: Transcript) -> str:
    e = t.escalation
    assert e is not None
    parts = [e.level or "unspecified level"]
    if e.team:
        parts.append(md_inline(e.team))
    if e.channel:
        parts.append(md_inline(e.channel))
    text = ", ".join(parts[:1]) + (": " + ", ".join(parts[1:]) if len(parts) > 1 else "")
    if e.response_target:
        text += f" (response target: {md_inline(e.response_target)})"
    return text


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


def _commands(t: Transcript) -> list[str]:
    """The commands the engineer copied, each once, after a comment naming its steps."""
    groups: dict[tuple[str, str], list[TranscriptCommand]] = {}
    for c in t.commands:
        if c.copied:
            groups.setdefault((f"{c.tree_id}:{c.node_id}", c.command), []).append(c)
    body: list[str] = []
    for (_ref, command), uses in groups.items():
        step = t.steps[uses[0].step - 1]
        label = one_line(step.title or step.node_id)
        numbers = ", ".join(str(u.step) for u in uses)
        body += [f"# step {numbers}: {label}", command.rstrip("\n")]
    lines = md_code_block("\n".join(body), "sh") if body else []
    shown = len({(c.tree_id, c.node_id, c.index) for c in t.commands if not c.copied})
    if shown:
        lines += [""] if lines else []
        lines.append(
            f"{'Also shown' if body else 'Shown'} at these steps and not copied: {shown} "
            "command(s), listed in the JSON export (`dectree export --format json`)."
        )
    return lines


def _history(t: Transcript) -> list[str]:
    items: list[str] = []
    for b in t.backtracks:
        how = "Went back" if b.kind == "back" else "Reopened"
        ref = md_code(f"{b.tree_id}:{b.node_id}")
        items.append(f"- {format_time(b.at)}: {how} to step {b.to_step} ({ref})")
    for r in t.resumes:
        why = f": {md_inline(r.reason)}" if r.reason else ""
        who = f"{md_inline(r.engineer)} on {md_inline(r.host)}"
        items.append(f"- {format_time(r.at)}: Resumed by {who}{why}")
    for q in t.searches:
        items.append(f"- {format_time(q.at)}: Searched {md_code(q.query)} ({q.hits} hits)")
    for v in t.variables:
        value = "*(secret, not recorded)*" if v.secret else md_code(v.value or "")
        items.append(f"- Variable {md_code(v.name)} = {value}")
    if t.interrupted:
        items.append("- The record ends with an interrupted write (the terminal died mid-step).")
    return items


def render_markdown(t: Transcript) -> str:
    """The transcript as Markdown, ready to paste into an incident ticket."""
    title = md_inline(t.tree.title)
    incident = f" ({md_inline(t.incident)})" if t.incident else ""
    out = [f"# Troubleshooting record: {title}{incident}", "", *_summary(t), ""]
    out += ["## Steps", "", *_steps(t), ""]
    if t.conclusion is not None and t.conclusion.resolution:
        tried = " tried (it did not fix it)" if t.conclusion.fixed is False else ""
        out += [f"## Resolution{tried}", ""]
        for number, step in enumerate(t.conclusion.resolution, start=1):
            out.append(f"{number}. {md_text_cell(step.do, prose=True)}")
            if step.run:
                out += ["", *("   " + line for line in md_code_block(step.run, "sh")), ""]
        if out[-1]:
            out.append("")
    commands = _commands(t)
    if commands:
        out += ["## Commands", "", *commands, ""]
    if t.escalation is not None:
        out += ["## Escalation", "", _contact(t)]
        if t.escalation.reason:
            out += ["", md_inline(t.escalation.reason)]
        out.append("")
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
    """The transcript as JSON (schema: `dectree schema --transcript`)."""
    return t.model_dump_json(indent=2) + "\n"


def write_atomic(path: Path, text: str, *, force: bool = False) -> None:
    """Write `text` to `path` via a temporary file and a rename.

    Raises `ExportExists` if `path` exists and not `force`; `OSError` if the
    directory cannot be written.
    """
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
