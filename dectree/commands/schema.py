"""`dectree schema`: the JSON Schema of the tree format (or of transcripts)."""

from __future__ import annotations

import argparse

from dectree.commands.output import echo, write_json
from dectree.model.tree import Tree

TREE_SCHEMA_ID = "https://dectree.dev/schema/tree.json"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--transcript", action="store_true", help="the transcript (export) format instead"
    )


def tree_schema() -> dict[str, object]:
    """The JSON Schema generated from the tree models."""
    schema = Tree.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": TREE_SCHEMA_ID,
        **schema,
    }


def run(args: argparse.Namespace) -> int:
    if args.transcript:
        try:
            from dectree.records.transcript import transcript_schema
        except ImportError:
            echo("dectree: error: transcripts are not available in this version", err=True)
            return 2
        schema = transcript_schema()
    else:
        schema = tree_schema()
    write_json(schema)
    return 0
