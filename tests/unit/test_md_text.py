"""`md_text`: typed text that reads as typed in Markdown, and never becomes syntax."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dectree.text.escape import md_text, one_line

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
ALPHABET = st.sampled_from([*"ab1 _-*`~$<>|[]()!#&;\\.+=:/", "&amp;", "http://x.io", "\t"])


def inline_children(markdown: str) -> list[tuple[str, str]]:
    tokens = PARSER.parse(markdown)
    inlines = [t for t in tokens if t.type == "inline"]
    return [(c.type, c.content) for t in inlines for c in t.children or []]


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=20).map("".join))
def test_a_paragraph_reads_exactly_as_typed(text: str) -> None:
    expected = one_line(text)
    children = inline_children(md_text(text))
    assert all(kind == "text" for kind, _ in children), children
    assert "".join(content for _, content in children) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=20).map("".join))
def test_a_table_cell_reads_exactly_as_typed(text: str) -> None:
    markdown = f"| a | b |\n|---|---|\n| x | {md_text(text)} |\n"
    tokens = PARSER.parse(markdown)
    cells = [t for t in tokens if t.type == "inline"]
    assert len(cells) == 4  # the table holds: two header cells, two body cells
    last = cells[-1]
    assert all(c.type == "text" for c in last.children or [])
    assert "".join(c.content for c in last.children or []) == one_line(text)


def test_what_needs_no_escape_is_left_alone() -> None:
    assert md_text("procs_blocked -> 3, ~5 min") == "procs_blocked -> 3, ~5 min"
    assert md_text("C:\\temp\\x") == "C:\\temp\\x"
    assert md_text("~~gone~~ _x_ `c` *b*") == "\\~\\~gone\\~\\~ \\_x\\_ \\`c\\` \\*b\\*"
    assert md_text("- item") == "\\- item"
    assert md_text("> quote") == "\\> quote"


def test_code_spans_keep_runs_of_spaces() -> None:
    """PostgreSQL writes `FATAL:  sorry` with two spaces; a transcript quotes it as it was."""
    from dectree.text.escape import md_code

    assert md_code("FATAL:  sorry,\ttoo\nmany\x1b") == "`FATAL:  sorry, too many`"
