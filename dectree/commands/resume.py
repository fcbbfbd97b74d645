"""`dectree resume [SESSION | --last]`: reopen a recorded session where it stood.

The journal's events are replayed against the trees as they are now: the path,
answers, notes and variables (secret ones excepted, they were never recorded)
come back, and the header's clock counts from the session's real start. If a
tree changed since, the command says so; if the recorded path no longer fits,
it points at the first step that does not and resumes at the last one that
does. The walk goes on being recorded in the same journal. `--show` prints the
rebuilt path instead of opening the app.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING

from dectree.commands.output import echo, text_arg
from dectree.commands.recording import add_session_choice, chosen_journal

if TYPE_CHECKING:
    from dectree.records.resume import Resumed


def configure(parser: argparse.ArgumentParser) -> None:
    add_session_choice(parser)
    parser.add_argument(
        "-t",
        "--trees",
        action="append",
        default=[],
        metavar="PATH",
        help="tree file or directory (repeatable; default: ./trees if present, else the bundled trees)",
    )
    parser.add_argument(
        "--engineer",
        type=text_arg,
        metavar="NAME",
        help="who carries on, for the record (default: login name)",
    )
    parser.add_argument(
        "--show", action="store_true", help="print where the session stands; do not open the app"
    )
    from dectree.commands.policy import add_run_policy

    add_run_policy(parser)


def run(args: argparse.Namespace) -> int:
    from dectree.commands.common import missing_message, missing_paths
    from dectree.model.catalog import load_catalog
    from dectree.records.resume import prepare_resume

    journal = chosen_journal(args)
    if journal is None:
        return 2
    from dectree.records.writer import in_use

    if not args.show and in_use(journal.path):
        echo(
            f"dectree: error: {journal.path}: this session is open in another dectree; "
            "carry on there (or quit it) first", err=True)
        return 2
    missing = missing_paths(args.trees)
    if missing:
        echo(f"dectree: error: {missing[0]}: {missing_message(missing[0])}", err=True)
        return 2
    catalog = load_catalog(args.trees)
    resumed = prepare_resume(journal, catalog)
    notice = resumed.notice()
    if notice:
        echo(notice, err=True)
    if not resumed.can_open:
        echo(
            f"dectree: error: {journal.path}: cannot resume: the first step cannot be replayed "
            "(if the tree lives elsewhere, name it with -t PATH)", err=True)
        return 1
    if args.show:
        _show(resumed)
        return 0

    from dectree.app.app import build_app
    from dectree.commands.recording import recorder_for, report_errors_in
    from dectree.engine.session import SessionState

    recorder = recorder_for(args, incident=journal.header.incident)
    session = resumed.session
    if session.state is not SessionState.finished:
        reason = str(resumed.replay.divergence) if resumed.replay.divergence else None
        # The journal is opened and locked here, before the app: of two resumes started
        # at once, the second is refused rather than walking unrecorded.
        listener = recorder.resume(session, journal, reason=reason)
        if listener.locked:
            echo(
                f"dectree: error: {journal.path}: this session is open in another dectree; "
                "carry on there (or quit it) first", err=True)
            return 2
        for run in session.close_interrupted_runs():  # dectree stopped during these runs
            echo(
                f"dectree: check {run.index + 1} at step {run.step + 1} was running when "
                "dectree stopped; recorded as interrupted", err=True)
    from dectree.commands.policy import ConfigError, run_disabled

    try:
        no_run = run_disabled(args)
    except ConfigError as exc:
        echo(f"dectree: error: {exc}", err=True)
        return 2
    app = build_app(
        catalog,
        incident=journal.header.incident,
        attach=[recorder],
        resume=session,
        notice=notice,
        run_disabled=no_run,
    )
    report_errors_in(recorder, app)
    result = app.run()
    if app.crash_report:
        echo(app.crash_report, err=True)
    return app.return_code or int(result or 0)  # 1 after an error nothing handled


def _show(resumed: Resumed) -> None:
    """Print the rebuilt path, notes and variables, and where the walk stands."""
    from dectree.engine.session import SessionState
    from dectree.text.plain import format_duration
    from dectree.text.plain import terminal_line as one_line

    session, header = resumed.session, resumed.journal.header
    started = header.started_at.astimezone(dt.timezone.utc)
    echo(
        f"session {header.session_id} in {header.tree_id}, started {started:%Y-%m-%d %H:%M:%S} UTC"
    )
    for number, step in enumerate(session.path, start=1):
        answer = one_line(step.answer) if step.answer else "(current)"
        took = f"  [{format_duration(step.elapsed.total_seconds())}]" if step.elapsed else ""
        echo(f"{number:>3}. {one_line(step.prompt)}  ->  {answer}{took}")
        if step.note:
            echo(f"     note: {one_line(step.note)}")
        for run in (r for r in session.runs if r.step == number - 1):
            how = f"exit {run.exit_code}" if run.status == "exited" else run.status
            echo(f"     ran check {run.index + 1}: {one_line(run.command, 80)}  [{how}]")
            for match in run.suggested:
                echo(f"       suggested {one_line(match.label)}: {one_line(match.line or '', 80)}")
    for name, value in sorted(session.variables.items()):
        shown = "(secret)" if session.is_secret(name) else one_line(value)
        echo(f"     variable {name} = {shown}")
    if session.outcome is not None:
        echo(f"finished: {session.outcome.value}")
    else:
        state = (
            "awaiting escalation"
            if session.state is SessionState.awaiting_escalation
            else "walking"
        )
        echo(f"stands at step {session.step_index + 1} ({session.current.ref}), {state}")
