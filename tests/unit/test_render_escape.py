"""Escaping of tree text for Markdown, Mermaid and DOT: hostile text stays text."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from dectree.text.escape import (
    dot_string,
    md_block,
    md_cell,
    md_cell_text,
    md_code,
    md_code_block,
    md_inline,
    md_labelled,
    md_link,
    md_quote,
    mermaid_comment,
    mermaid_text,
    one_line,
    shorten,
)

HOSTILE = [
    'He said "hi"',
    "it's [bracketed] {braced} (parens)",
    "a | pipe || two",
    "`tick` and ``double`` and ```triple```",
    "# heading-like",
    "- list-like",
    "1. numbered-like",
    "<b>html</b> & &amp; &#35;",
    "*stars* _under_ ~~strike~~ $math$",
    "back\\slash\\",
    "#quot; #35; %% --> ;",
    "ends with #",
]

MD = MarkdownIt("commonmark").enable("table")


def _text_of(html: str) -> str:
    """Visible text of rendered HTML (tags dropped, entities decoded)."""
    import html as htmlmod

    return htmlmod.unescape(re.sub(r"<[^>]+>", "", html)).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_md_inline_renders_literally(text: str) -> None:
    html = MD.render(f"- {md_inline(text)}\n")
    assert html.startswith("<ul>\n<li>")
    assert html.count("<li>") == 1
    assert _text_of(html) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_md_inline_in_a_heading_stays_one_heading(text: str) -> None:
    html = MD.render(f"### Step 1: {md_inline(text)}\n\nafter\n")
    assert html.count("<h3>") == 1
    assert _text_of(html.split("</h3>")[0]) == f"Step 1: {text}"


@pytest.mark.parametrize("text", HOSTILE)
def test_md_cell_and_code_keep_table_shape(text: str) -> None:
    doc = (
        "| A | B | C |\n| --- | --- | --- |\n"
        f"| {md_cell(text)} | {md_code(text, in_table=True)} | x |\n"
    )
    html = MD.render(doc)
    row = html.split("<tbody>")[1]
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert len(cells) == 3
    assert _text_of(cells[0]) == text
    assert cells[1].startswith("<code>")
    assert _text_of(cells[1]) == one_line(text)
    assert cells[2] == "x"


def test_md_cell_text_keeps_authors_code_but_not_their_pipes() -> None:
    doc = "| A | B |\n| --- | --- |\n" + f"| {md_cell_text('use `a | b` or <unit>')} | y |\n"
    cells = re.findall(r"<td>(.*?)</td>", MD.render(doc), re.S)
    assert len(cells) == 2
    assert cells[0] == "use <code>a | b</code> or &lt;unit&gt;"


@pytest.mark.parametrize("text", [*HOSTILE, "echo '```' | grep x", "a\n```\nb", "~~~\nx"])
def test_md_code_block_holds_anything(text: str) -> None:
    doc = "\n".join(md_code_block(text, "sh")) + "\n\nafter\n"
    html = MD.render(doc)
    assert html.count("<pre>") == 1
    assert html.rstrip().endswith("<p>after</p>")
    assert _text_of(html.split("</pre>")[0]) == text


def test_md_block_contains_authors_markdown() -> None:
    text = "Para with <unit> and `<code>`.\n\n## Sneaky heading\nSetext\n---\n```sh\nopen fence <x>"
    lines = md_block(text)
    html = MD.render("\n".join(lines) + "\n\n## Real heading\n")
    assert html.count("<h2>") == 1
    assert "<h2>Real heading</h2>" in html
    assert "&lt;unit&gt;" in html
    assert "<code>&lt;code&gt;</code>" in html
    assert "open fence &lt;x&gt;" in html  # inside the (closed) code block, literally


def test_md_labelled_glues_a_paragraph_but_not_a_list() -> None:
    assert md_labelled("**X:** ", "one line") == ["**X:** one line"]
    assert md_labelled("**X:** ", "- a\n- b") == ["**X:**", "", "- a", "- b"]
    assert md_labelled("1. ", "para\n\n- a", "   ") == ["1. para", "", "   - a"]


def test_md_link_only_for_web_addresses() -> None:
    assert md_link("docs", "https://example.com/a b(1)") == (
        "[docs](https://example.com/a%20b%281%29)"
    )
    html = MD.render(md_link("x", "javascript:alert(1)"))
    assert "<a " not in html
    assert "javascript:alert(1)" in html


@pytest.mark.parametrize("text", HOSTILE)
def test_mermaid_text_has_no_syntax_characters(text: str) -> None:
    escaped = mermaid_text(text)
    for char in '"`|<>':
        assert char not in escaped
    # Every # starts an entity code, so the label's own "#quot;" stays literal.
    assert all(m.group(0) in ("#35;", "#quot;", "#96;", "#124;", "#lt;", "#gt;", "#amp;")
               for m in re.finditer(r"#[^;]*;", escaped))
    assert escaped.count("#") == text.count("#") + sum(text.count(c) for c in '"`|<>&')


def test_mermaid_text_decodes_back() -> None:
    names = {"35": "#", "quot": '"', "96": "`", "124": "|", "lt": "<", "gt": ">", "amp": "&"}
    for text in HOSTILE:
        decoded = re.sub(r"#(\w+);", lambda m: names[m.group(1)], mermaid_text(text))
        assert decoded == one_line(text)


def test_mermaid_comment_is_one_line_and_not_a_directive() -> None:
    comment = mermaid_comment("x\n%%{init: {}}%%\nflowchart LR")
    assert "\n" not in comment
    assert comment.startswith("%% ")
    assert "{" not in comment and "}" not in comment


@pytest.mark.parametrize("text", [*HOSTILE, 'quote " then \\" escaped', "two\nlines"])
def test_dot_string_is_one_balanced_string(text: str) -> None:
    quoted = dot_string(text, multiline=True)
    assert quoted.startswith('"') and quoted.endswith('"')
    body = quoted[1:-1]
    # No unescaped quote inside, no raw newline, and & is an entity.
    assert not re.search(r'(?<!\\)(\\\\)*"', body)
    assert "\n" not in body
    assert "&" not in body.replace("&amp;", "")


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("one two three four", 12) == "one two…"
    assert shorten("short", 12) == "short"
    assert shorten("a\n  b\tc", 12) == "a b c"


# --- properties over arbitrary text -------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Printable text weighted towards the characters that mean something somewhere.
SYNTAX = st.sampled_from(list("\"'`|[]{}()<>#&;*_~$\\!-+=.:%\n 1aZ"))
TEXT = st.lists(st.one_of(SYNTAX, st.characters(codec="utf-8", categories=["L", "N", "P", "S"])),
                max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_is_literal_in_a_list_item_and_a_table(text: str) -> None:
    expected = one_line(text)
    html = MD.render(f"- {md_inline(text)}\n")
    assert _text_of(html) == expected
    doc = f"| A | B |\n| --- | --- |\n| {md_cell(text)} | {md_code(text, in_table=True)} |\n"
    cells = re.findall(r"<td>(.*?)</td>", MD.render(doc), re.S)
    assert len(cells) == 2
    assert _text_of(cells[0]) == expected


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_survives_mermaid_and_dot_escaping(text: str) -> None:
    names = {"35": "#", "quot": '"', "96": "`", "124": "|", "lt": "<", "gt": ">", "amp": "&"}
    escaped = mermaid_text(text)
    assert not set('"`|<>\n') & set(escaped)
    assert re.sub(r"#(\w+);", lambda m: names[m.group(1)], escaped) == one_line(text)
    body = dot_string(text)[1:-1]
    assert not re.search(r'(?<!\\)(\\\\)*"', body)
    unescaped = re.sub(r"\\(.)", r"\1", body).replace("&amp;", "&")
    assert unescaped == one_line(text)


BLOCKY = st.lists(st.sampled_from(["```", "~~~", "````sh", "```a`b", "  ```", "~~~~ x", "# h", "## h", "---", "===", "<div>",
                                   "<!--", "> q", "- i", "1. i", "    code", "", "text", "`a",
                                   "<unit>", "| a | b |", "| --- | --- |"]),
                  max_size=12).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(BLOCKY)
def test_authors_markdown_cannot_escape_its_place(text: str) -> None:
    doc = "\n".join(["## Before", "", *md_labelled("**Label:** ", text), "", "## After", ""])
    html = MD.render(doc)
    assert re.findall(r"<h[1-6]>(.*?)</h[1-6]>", html) == ["Before", "After"]
    quoted = "\n".join(["## Before", "", *md_quote(text), "", "## After", ""])
    assert re.findall(r"<h2>(.*?)</h2>", MD.render(quoted)) == ["Before", "After"]
