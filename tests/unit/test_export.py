"""Transcripts: golden Markdown and JSON, escaping in tables, atomic writes, the export command.

Golden files live in tests/unit/golden/; after an intended change, regenerate
them with `DECTREE_UPDATE_GOLDEN=1 pytest tests/unit/test_export.py` and read
the diff before committing.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from dectree.cli import main
from dectree.model.catalog import Catalog
from dectree.records.export import ExportExists, render_json, render_markdown, write_atomic
from dectree.records.export_walk import journal_from_session
from dectree.records.reader import read_journal
from dectree.records.transcribe import build_transcript
from dectree.records.transcript import Transcript, transcript_schema
from tests.unit.records_support import recorded_session, records_catalog, walk_to_escalation

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return records_catalog()


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("DECTREE_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def escalated(tmp_path: Path, catalog: Catalog) -> Path:
    session, journal = recorded_session(tmp_path, catalog)
    walk_to_escalation(session)
    assert journal.path is not None
    return journal.path


def resolved_across_trees(tmp_path: Path, catalog: Catalog) -> Path:
    session, journal = recorded_session(
        tmp_path, catalog, session_id="0dd5e55100000000000000000000ffff", incident=None
    )
    session.start("net")
    session.choose(0)
    session.search("too many clients")
    session.choose("Open")
    session.choose("All in use")
    session.note("pgbouncer added")
    session.confirm_fixed(True)
    assert journal.path is not None
    return journal.path


def test_golden_markdown_escalated(tmp_path: Path, catalog: Catalog) -> None:
    check_golden(
        "escalated.md",
        render_markdown(build_transcript(read_journal(escalated(tmp_path, catalog)))),
    )


def test_golden_json_escalated(tmp_path: Path, catalog: Catalog) -> None:
    check_golden(
        "escalated.json", render_json(build_transcript(read_journal(escalated(tmp_path, catalog))))
    )


def test_golden_markdown_resolved_across_trees(tmp_path: Path, catalog: Catalog) -> None:
    path = resolved_across_trees(tmp_path, catalog)
    check_golden("resolved.md", render_markdown(build_transcript(read_journal(path))))


def test_transcript_content(tmp_path: Path, catalog: Catalog) -> None:
    t = build_transcript(read_journal(escalated(tmp_path, catalog)))
    assert (t.status, t.outcome, t.duration_seconds) == ("finished", "escalated", 150.0)
    assert [s.answer for s in t.steps] == [
        "No",
        "Done",
        "Yes | it answers",
        "Closed",
        "Not fixed",
        None,
    ]
    assert [s.seconds for s in t.steps] == [20.0, 20.0, 10.0, 70.0, 20.0, 10.0]
    assert t.steps[1].note == "NIC | was `down`\nafter the kernel update"
    assert t.escalation is not None
    assert (t.escalation.level, t.escalation.team, t.escalation.channel) == (
        "L2",
        "Platform SRE",
        "#sre-oncall",
    )
    # It ended at an escalation, after a conclusion that did not fix it.
    assert t.conclusion is not None
    assert (t.conclusion.node_id, t.conclusion.step, t.conclusion.fixed) == ("firewall", 5, False)
    assert t.conclusion.resolution[0].run == "sudo ufw allow 5432"
    copied = [c for c in t.commands if c.copied]
    assert [c.command for c in copied] == [
        "nc -z web-01 5432",
        'curl -H "Authorization: Bearer {token}" https://web-01/health',
    ]
    assert {v.name: v.value for v in t.variables} == {"host": "web-01", "token": None}
    assert [(b.kind, b.to_step) for b in t.backtracks] == [("back", 4)]
    assert "s3cr3t" not in render_json(t) and "s3cr3t" not in render_markdown(t)


def test_json_round_trips_through_the_models(tmp_path: Path, catalog: Catalog) -> None:
    t = build_transcript(read_journal(resolved_across_trees(tmp_path, catalog)))
    again = Transcript.model_validate_json(render_json(t))
    assert again == t
    assert again.conclusion is not None and again.conclusion.outcome == "workaround"
    assert [tree.tree_id for tree in again.trees] == ["net", "db"]


def test_schema_documents_the_json_export(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--transcript"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema == json.loads(json.dumps(transcript_schema()))
    assert schema["$id"].endswith("transcript.json")
    assert {"steps", "commands", "events", "outcome", "escalation"} <= set(schema["properties"])
    assert set(schema["required"]) >= {"session_id", "steps", "events", "status"}


def tables(markdown: str) -> list[list[list[str]]]:
    """Each table as rows of cell texts, as a CommonMark parser with GFM tables reads it."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    found: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in tokens:
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token.content)
        elif token.type == "tr_close" and row is not None:
            found[-1].append(row)
            row = None
    return found


def test_hostile_text_cannot_break_the_tables(tmp_path: Path, catalog: Catalog) -> None:
    path = escalated(tmp_path, catalog)
    markdown = render_markdown(build_transcript(read_journal(path)))
    summary, steps, _undone = tables(markdown)
    assert all(len(row) == 2 for row in summary)
    assert len(steps) == 1 + 6 and all(len(row) == 5 for row in steps)
    # Pipes, backticks, brackets and newlines from the tree and the notes stay inside
    # their cells, as the characters themselves.
    assert steps[2][4] == "NIC | was \\`down\\`<br>after the kernel update"
    assert steps[1][1] == "Does \\`ping {host}\\` get an answer? \\[red\\]"
    assert steps[3][2] == "Yes | it answers"
    assert summary[1] == ["**Tree**", "Service | unreachable (`net`, version 2.0.0)"]
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<code>down</code>" not in html and "NIC | was `down`<br>after" in html
    assert "<td>Does `ping {host}` get an answer? [red]</td>" in html


def test_in_progress_export_from_a_live_session(catalog: Catalog) -> None:
    from dectree.engine.session import Session
    from tests.unit.records_support import ticking

    session = Session(catalog, clock=ticking(), session_id="live0001")
    session.start("net")
    session.choose("No")
    journal = journal_from_session(session, engineer="carol", host="h1", incident="INC-9")
    t = build_transcript(journal)
    assert (t.status, t.outcome, t.ended_at) == ("in_progress", None, None)
    markdown = render_markdown(t)
    assert "| **Outcome** | In progress |" in markdown
    assert (
        "| 2 | *Action:* Restart the host's network service. | *(current step)* |  |  |" in markdown
    )


# -- writing files ---------------------------------------------------------------


def test_write_atomic_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    write_atomic(target, "one\n")
    with pytest.raises(ExportExists, match="already exists"):
        write_atomic(target, "two\n")
    assert target.read_text() == "one\n"
    write_atomic(target, "two\n", force=True)
    assert target.read_text() == "two\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]  # no temporary left


def test_write_atomic_leaves_the_old_file_if_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.md"
    target.write_text("old\n")

    def broken(src: object, dst: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_atomic(target, "new\n", force=True)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_export_command(
    tmp_path: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    path = escalated(tmp_path, catalog)
    where = ["--sessions-dir", str(tmp_path)]
    assert main(["export", "5e551", *where]) == 0
    out = capsys.readouterr().out
    assert out == render_markdown(build_transcript(read_journal(path)))
    assert main(["export", "--last", "--format", "json", *where]) == 0
    assert json.loads(capsys.readouterr().out)["session_id"] == "5e55100000000000000000000000abcd"
    target = tmp_path / "out" / "ticket.md"
    target.parent.mkdir()
    assert main(["export", "--last", "-o", str(target), *where]) == 0
    assert target.read_text() == out
    target.write_text("kept\n")
    assert main(["export", "--last", "-o", str(target), *where]) == 2
    assert "already exists (use --force" in capsys.readouterr().err
    assert target.read_text() == "kept\n"
    assert main(["export", "--last", "-o", str(target), "--force", *where]) == 0
    assert target.read_text() == out


def test_export_command_problems(
    tmp_path: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ["--sessions-dir", str(tmp_path)]
    assert main(["export", "--last", *where]) == 2
    assert "no sessions recorded" in capsys.readouterr().err
    path = escalated(tmp_path, catalog)
    assert main(["export", *where]) == 2
    assert "give a SESSION or --last" in capsys.readouterr().err
    with path.open("ab") as handle:
        handle.write(b'{"seq": 99, "at"')
    assert main(["export", "--last", *where]) == 0
    assert "warning: incomplete last line" in capsys.readouterr().err
    rows = path.read_text().splitlines()
    rows[4] = "garbage"
    path.write_text("\n".join(rows) + "\n")
    assert main(["export", "--last", *where]) == 0  # what is there is exported
    captured = capsys.readouterr()
    assert (
        f"{path}:5: warning: not JSON: Expecting value: line 1 column 1 (char 0); "
        "line skipped, the rest kept"
    ) in captured.err
    # Line 5, and the torn line of before, no longer last once a newline followed it.
    assert re.search(r"The journal is damaged: line\(s\) 5, \d+ could not be read", captured.out)


def test_an_escalation_step_shows_its_title_not_its_whole_reason() -> None:
    from dectree.records.export import _question
    from dectree.records.transcript import TranscriptStep

    step = TranscriptStep.model_construct(
        kind="escalation",
        title="Escalate to the DBA on call",
        question="Escalate to L2: " + "long reason. " * 40,
    )
    assert _question(step) == "Escalate to the DBA on call"


# -- hand-offs, abandoned walks, undone answers, readable Markdown -------------------

HANDOFF = Path(__file__).parent / "fixtures" / "handoff"


@pytest.fixture(scope="module")
def handoff_catalog() -> Catalog:
    from dectree.model.catalog import load_catalog

    loaded = load_catalog([str(HANDOFF)])
    assert not loaded.problems, loaded.problems
    return loaded


def handed_over(tmp_path: Path, catalog: Catalog) -> Path:
    """L1 tries the conclusion, hands over to L2 and goes on waiting, L2 hands over to L3."""
    session, journal = recorded_session(
        tmp_path, catalog, session_id="4a2d0ff000000000000000000000beef", incident=None
    )
    session.start("disk")
    session.set_incident("INC-7")
    session.choose("Inodes")  # a first answer, gone back from
    session.note("df -i: 100% on /var")
    session.back()
    session.choose("Blocks")
    session.note("procs_blocked -> 3, ~5 min; see /var/log/app_x")
    session.copy_command(0)
    session.confirm_fixed(False)
    session.proceed()  # L2: continue while waiting
    session.finish("escalated")  # L3 took it
    assert journal.path is not None
    return journal.path


def test_golden_markdown_handoff(tmp_path: Path, handoff_catalog: Catalog) -> None:
    check_golden(
        "handoff.md",
        render_markdown(build_transcript(read_journal(handed_over(tmp_path, handoff_catalog)))),
    )


def test_every_escalation_step_is_in_the_transcript(
    tmp_path: Path, handoff_catalog: Catalog
) -> None:
    t = build_transcript(read_journal(handed_over(tmp_path, handoff_catalog)))
    assert t.incident == "INC-7"  # set during the walk, not on the command line
    assert [(e.step, e.level, e.team, e.final) for e in t.escalations] == [
        (3, "L2", "Storage SRE", False),
        (4, "L3", "Kernel team", True),
    ]
    assert t.escalation == t.escalations[-1]
    assert t.escalations[0].attach == [
        "`df -h {mount}` and `df -i {mount}` output",
        "The largest directories (du -x -d2)",
    ]
    markdown = render_markdown(t)
    section = markdown.split("## Escalation", 1)[1]
    assert "### Step 3: L2 · Storage SRE grows the volume" in section
    assert "### Step 4: L3 · Kernel team checks the file system (the walk ended here" in section
    # "Hand over when" keeps its bullets; attach is a checklist, one item per line.
    assert "  - the volume cannot grow, or\n  - **procs_blocked** stays above 0 for 5 min" in section
    assert "  - [ ] `df -h {mount}` and `df -i {mount}` output\n" in section
    assert "  - [ ] dmesg since boot\n" in section
    assert "| **Escalated to** | L2: Storage SRE, \\#storage-oncall (response target: 30 min); then L3:" in markdown


def test_answers_gone_back_from_are_shown_marked(tmp_path: Path, handoff_catalog: Catalog) -> None:
    t = build_transcript(read_journal(handed_over(tmp_path, handoff_catalog)))
    # The answer to step 1, and the note on step 2 it led to, were both undone by `back`.
    assert [(u.number, u.answer, u.note, u.why) for u in t.undone] == [
        (1, "Inodes", None, "back"),
        (2, None, "df -i: 100% on /var", "back"),
    ]
    markdown = render_markdown(t)
    _, _, undone = tables(markdown)
    assert undone[1][2:] == ["Inodes", "", "went back, 2026-03-01 12:00:40 UTC"]
    assert undone[2][1:4] == ["Storage SRE grows the volume", "*(no answer)*", "df -i: 100% on /var"]


def test_code_blocks_and_typed_text_stay_readable(
    tmp_path: Path, handoff_catalog: Catalog
) -> None:
    markdown = render_markdown(
        build_transcript(read_journal(handed_over(tmp_path, handoff_catalog)))
    )
    # The resolution's fenced block is a code block, outside any table.
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert '<code class="language-ini">/var/log/app/*.log {\n    daily' in html
    assert "```ini" in markdown and "<br><br>" not in markdown
    # A note keeps its underscores, arrows and tildes as typed.
    assert "procs_blocked -> 3, ~5 min; see /var/log/app_x" in markdown
    # The root cause is Markdown in its own section: bullets and bold, not \- \*\*.
    assert "- the app writes **debug** logs" in markdown
    assert "\\*\\*" not in markdown and "\\-" not in markdown


def test_commands_copied_are_listed_filled(tmp_path: Path, handoff_catalog: Catalog) -> None:
    transcript = build_transcript(read_journal(handed_over(tmp_path, handoff_catalog)))
    markdown = render_markdown(transcript)
    commands = markdown.split("## Commands", 1)[1].split("##", 1)[0]
    assert "# step 2: Logs not rotated\nsudo logrotate -f /etc/logrotate.d/app" in commands
    # Known values are filled into the resolution's prose too, as the app shows it.
    assert transcript.conclusion is not None
    assert transcript.conclusion.resolution[0].do.startswith("Rotate them now (they fill /var)")


def test_an_abandoned_walk_says_where_it_stood(tmp_path: Path, handoff_catalog: Catalog) -> None:
    session, journal = recorded_session(
        tmp_path, handoff_catalog, session_id="abad0ed000000000000000000000cafe", incident=None
    )
    session.start("disk")
    session.choose("Blocks")
    session.finish("abandoned")
    assert journal.path is not None
    markdown = render_markdown(build_transcript(read_journal(journal.path)))
    assert "| **Outcome** | Abandoned at step 2 |" in markdown
    assert (
        "| **Where the walk stood when abandoned** | Logs not rotated (`disk:logs`): "
        "reached at step 2, not confirmed |" in markdown
    )
    assert "## Suspected root cause (not confirmed: the walk was abandoned)" in markdown
    assert "## Resolution shown (not confirmed: the walk was abandoned)" in markdown
    assert "| **Root cause** |" not in markdown and "## Root cause\n" not in markdown


def test_fixed_and_the_conclusion_kind_are_both_shown(tmp_path: Path, catalog: Catalog) -> None:
    path = resolved_across_trees(tmp_path, catalog)
    markdown = render_markdown(build_transcript(read_journal(path)))
    assert "| **Outcome** | Fixed (the engineer's answer at step 4) |" in markdown
    assert "| **What the tree offers** | a workaround |" in markdown
    assert "| **Outcome** | Workaround |" not in markdown


def test_a_conclusion_that_did_not_fix_it_does_not_show_its_kind(
    tmp_path: Path, catalog: Catalog
) -> None:
    """'resolved' beside 'Escalated to L2' read as a contradiction: the kind of a
    resolution that was tried and failed says nothing more."""
    markdown = render_markdown(build_transcript(read_journal(escalated(tmp_path, catalog))))
    assert "| **Conclusion tried** |" in markdown
    assert "What the tree offers" not in markdown and "Conclusion kind" not in markdown


def test_an_earlier_abandoned_walk_for_the_same_incident_is_named(
    tmp_path: Path, handoff_catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    first, _ = recorded_session(
        tmp_path, handoff_catalog, session_id="0001aaaa000000000000000000000000", incident="INC-9"
    )
    first.start("disk")
    first.choose("Blocks")
    first.finish("abandoned")
    other, _ = recorded_session(
        tmp_path, handoff_catalog, session_id="0002bbbb000000000000000000000000", incident="INC-1"
    )
    other.start("disk")
    retry, _ = recorded_session(
        tmp_path, handoff_catalog, session_id="0003cccc000000000000000000000000", incident=None
    )
    retry.start("disk")
    retry.set_incident("INC-9")  # named in the app, after the start
    retry.choose("Inodes")
    retry.finish("escalated")
    assert main(["export", "0003cccc", "--sessions-dir", str(tmp_path)]) == 0
    markdown = capsys.readouterr().out
    section = markdown.split("## Other walks for this incident\n\n", 1)[1].split("\n\n", 1)[0]
    assert section == (
        "- 2026-03-01 12:00:00 UTC: Disk full, abandoned at Logs not rotated "
        "(session `0001aaaa0000`)"
    )
    # And the other way round: the abandoned walk names the retry (its incident set in the app).
    assert main(["export", "0001aaaa", "--sessions-dir", str(tmp_path)]) == 0
    assert "escalated at Storage SRE grows the volume (session `0003cccc0000`)" in capsys.readouterr().out
