"""`dectree export SESSION --format md|json [-o FILE] [--force]`: a session as a transcript.

Markdown for an incident ticket or a post-incident review; JSON for tools,
with the schema `dectree schema --transcript` prints. Without `-o` the
transcript goes to standard output. Files are written atomically and never
replace an existing file without `--force`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dectree.commands.output import document, echo
from dectree.commands.recording import add_session_choice, chosen_journal


def configure(parser: argparse.ArgumentParser) -> None:
    add_session_choice(parser)
    parser.add_argument(
        "--format", choices=("md", "json"), default="md", help="Markdown (default) or JSON"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


def run(args: argparse.Namespace) -> int:
    from dectree.records.attempts import with_attempts
    from dectree.records.export import ExportExists, render_json, render_markdown, write_atomic
    from dectree.records.transcribe import build_transcript

    journal = chosen_journal(args)
    if journal is None:
        return 2
    # Other walks for the same incident sit beside this journal.
    transcript = with_attempts(journal.path.parent, build_transcript(journal))
    text = render_json(transcript) if args.format == "json" else render_markdown(transcript)
    if not args.output or args.output == "-":
        document(text)
        return 0
    try:
        write_atomic(Path(args.output), text, force=args.force)
    except ExportExists as exc:
        echo(f"dectree: error: {exc}", err=True)
        return 2
    except OSError as exc:
        echo(f"dectree: error: {args.output}: {exc.strerror or exc}", err=True)
        return 2
    echo(f"wrote {args.output}", err=True)
    return 0
