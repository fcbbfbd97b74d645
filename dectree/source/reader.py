"""Reading a tree file's bytes: size and encoding checks, then the fast reader or libyaml.

Tree files are nearly always plain block-style YAML, which the fast reader
(`dectree.source.blockyaml`) parses directly; anything it does not handle, or
any doubt, goes to libyaml (`dectree.source.yamlsource.parse`). Both give the
same positioned data (held to each other by differential tests).
"""

from __future__ import annotations

from dectree.source.blockyaml import parse_block
from dectree.source.yamlsource import MAX_BYTES, Document, SourceError, decode, parse


def read(raw: bytes, *, max_bytes: int = MAX_BYTES) -> Document:
    """Check size and encoding of raw file bytes, then parse them."""
    if len(raw) > max_bytes:
        raise SourceError(
            "DT004", f"file is {len(raw):,} bytes, over the limit of {max_bytes:,} bytes"
        )
    text = decode(raw)
    document = parse_block(text)  # tree files in plain block style: a fast reader
    if document is not None:
        return document
    del text  # libyaml reads the bytes themselves: a large file is not held three times
    return parse(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw)
