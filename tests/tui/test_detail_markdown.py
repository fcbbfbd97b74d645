"""A node's detail drawn as one widget (`dectree.app.widgets.tree_markdown`).

The layout is checked line by line at fixed widths (hanging indents, tables
that fit, code kept whole), tree text stays literal whatever it looks like,
the only click a detail carries is the link action the walk screen turns into
"address copied", and the details of the next nodes are prepared while a step
is read.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.style import Style
from textual.visual import RenderOptions

from dectree.app.app import DectreeApp, build_app
from dectree.app.safe import clean
from dectree.app.widgets.node_parts import prose_filler
from dectree.app.widgets.node_view import next_nodes
from dectree.app.widgets.tree_markdown import (
    DetailBody,
    DetailVisual,
    TreeMarkdown,
    blocks,
    layout,
    visual,
)
from dectree.model.catalog import Catalog, LoadedTree
from tests.tui.conftest import TODAY, frozen_clock
from tests.tui.test_reuse import DETAILS, details_tree, session_of

MakeApp = Callable[..., DectreeApp]


def details_app() -> DectreeApp:
    """The app on `test_reuse`'s chain of questions, one Markdown shape per node."""
    tree = details_tree()
    catalog = Catalog(trees={tree.id: LoadedTree(tree, "details.yaml", "0", {})})  # type: ignore[arg-type]
    return build_app(catalog, tree="details", clock=frozen_clock, today=TODAY)


def lines(text: str, width: int) -> list[str]:
    return [line.plain for line in layout(blocks(text), width)]


def test_paragraphs_wrap_and_are_separated_by_one_blank_line() -> None:
    text = "One two three four five six.\nSeven eight.\n\nSecond paragraph."
    assert lines(text, 14) == [
        "One two three",
        "four five six.",
        "Seven eight.",
        "",
        "Second",
        "paragraph.",
    ]


def test_list_items_wrap_under_their_text() -> None:
    text = "- first item that wraps\n- second\n  - nested one\n\n1. one\n2. two"
    assert lines(text, 16) == [
        "• first item",
        "  that wraps",
        "• second",
        "  ▪ nested one",
        "",
        "1. one",
        "2. two",
    ]


def test_ordered_lists_keep_their_start_and_align_the_numbers() -> None:
    assert lines("9. nine\n10. ten", 20) == [" 9. nine", "10. ten"]


def test_tables_fit_the_width_and_wrap_their_cells() -> None:
    text = "| key | meaning |\n|---|---|\n| a | a long explanation here |"
    shown = lines(text, 20)
    assert all(len(line) <= 20 for line in shown), shown
    assert shown[0].split("│")[0].strip() == "key"
    assert shown[1].startswith("───")
    assert "a long" in shown[2] and "explanation" in "".join(shown[2:])


def test_code_blocks_are_kept_literally_and_folded_not_cut() -> None:
    text = "```\n[bold]x[/bold] && curl -s http://host:8080/a/very/long/path\n```"
    shown = lines(text, 24)
    joined = "".join(line.strip() for line in shown)
    assert "[bold]x[/bold]" in joined
    assert "8080/a/very/long/path" in joined.replace(" ", "")
    assert all(len(line) <= 24 for line in shown)


def test_markup_in_text_is_literal_and_links_only_carry_the_link_action() -> None:
    text = "[red]r[/red] [@click=app.quit]q[/] and [the docs](app.quit) **[b]x[/b]**"
    (line,) = layout(blocks(text), 200)
    assert line.plain == ("[red]r[/red] [@click=app.quit]q[/] and the docs (app.quit) [b]x[/b]")
    clicks = [span for span in line.spans if isinstance(span.style, Style) and span.style.meta]
    assert [(line.plain[s.start : s.end], s.style.meta) for s in clicks] == [  # type: ignore[union-attr]
        ("the docs", {"@click": "link('app.quit')"})
    ]
    assert all(
        isinstance(span.style, Style) or not span.style.startswith("[") for span in line.spans
    )


def test_a_link_whose_text_is_its_address_is_not_repeated() -> None:
    assert lines("<https://example.com/x>", 80) == ["https://example.com/x"]


markdownish = st.lists(
    st.sampled_from(
        [
            "word",
            " ",
            "\n",
            "\n\n",
            "- ",
            "1. ",
            "  ",
            "**",
            "*",
            "`",
            "|",
            "---",
            "```",
            "> ",
            "[t](u)",
            "# ",
            "[red]",
            "ééé",
            "漢字",
            "\t",
            "<b>",
            "\\",
        ]
    ),
    max_size=60,
).map("".join)


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(markdownish, st.integers(min_value=1, max_value=60))
def test_any_text_draws_as_many_lines_as_it_says_none_wider_than_the_widget(
    text: str, width: int
) -> None:
    drawn = DetailVisual(blocks(clean(text)))
    options = RenderOptions(lambda _: Style(), {}, None, None)
    strips = drawn.render_strips(width, None, Style(), options)
    assert len(strips) == drawn.get_height({}, width)
    assert all(strip.cell_length <= width for strip in strips), (text, width)
    if width >= 30:  # room for the nesting a list of this size can have: nothing is cut
        for line in layout(blocks(clean(text)), width):
            assert line.cell_length <= width, (text, width, line.plain)


async def test_the_detail_is_one_widget_and_a_step_mounts_none() -> None:
    app = details_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        detail = app.screen.query_one("#node TreeMarkdown", TreeMarkdown)
        body = detail.query_one(DetailBody)
        for number in range(1, 6):  # paragraphs, lists, loose and ordered: one widget each time
            await pilot.press("1")
            await pilot.pause()
            assert session_of(app).current.node_id == f"d{number}"
            again = app.screen.query_one("#node TreeMarkdown", TreeMarkdown)
            assert again is detail and list(again.children) == [body]
            assert str(body.render()) == visual(DETAILS[number]).plain


async def test_the_next_nodes_details_are_prepared_while_a_step_is_read() -> None:
    app = details_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        for _ in range(3):
            session = session_of(app)
            ahead = [getattr(n, "detail", None) for n in next_nodes(session)]
            assert any(ahead)
            await pilot.pause()
            width = app.screen.query_one(DetailBody).content_region.width
            for text in ahead:
                if text:
                    shown = clean(prose_filler(session)(text))  # as the node view fills it
                    assert width in visual(shown)._lines, text
            await pilot.press("1")
            await pilot.pause()


def test_code_spans_in_prose_fields_are_drawn_as_code_without_backticks() -> None:
    """Root causes, steps and verify lines are prose, not Markdown widgets; their
    `code` was shown with raw backticks while a question's detail drew it as code."""
    from dectree.app.safe import CODE_STYLE, paragraph

    content = paragraph("Set `listen_addresses = '*'` and run `[red]ss -ltnp[/]`; a ` alone stays", "bold")
    assert content.plain == "Set listen_addresses = '*' and run [red]ss -ltnp[/]; a ` alone stays"
    code = [content.plain[s.start : s.end] for s in content.spans if s.style == CODE_STYLE]
    assert code == ["listen_addresses = '*'", "[red]ss -ltnp[/]"]  # markup stays literal
    assert any(s.style == "bold" and s.start == 0 and s.end == len(content.plain) for s in content.spans)
