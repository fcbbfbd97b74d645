"""Untrusted text: markup in a tree is shown literally and clicking it does nothing.

The `hostile` fixture tree puts `[@click=app.quit]`, `[/bold]`,
`[link=https://example.com]x[/link]`, `[red]`, a Markdown link to `app.quit`
and an ESC character into every text field the app shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from rich.segment import Segment
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Markdown, Static

from dectree.app.app import DectreeApp
from dectree.app.screens.outline import OutlineScreen
from dectree.app.screens.variables import VariablesScreen
from dectree.app.widgets.results import ResultList
from dectree.engine.session import SessionState
from tests.tui.helpers import screen_text, walk, widget_text

MakeApp = Callable[..., DectreeApp]

LITERALS = [
    "[@click=app.quit]click me[/]",
    "[/bold]",
    "[link=https://example.com]x[/link]",
    "[red]Red title[/red]",
    "[@click=app.quit]Choice one[/]",
    "[red]Choice two[/red] [/bold]",
    "[red]look[/red] [@click=app.quit]here[/]",
    "[link=https://example.com]where[/link]",
    "echo '[@click=app.quit]run[/]'",
]


def segments(widget: Widget) -> Iterator[Segment]:
    """Every segment a widget draws in its current size."""
    width, height = widget.size
    if not width or not height:
        return
    for strip in widget.render_lines(Region(0, 0, width, height)):
        yield from strip


def assert_inert(widget: Widget) -> None:
    """No segment of the widget carries a link or a click action from the tree's text."""
    for segment in segments(widget):
        style = segment.style
        if style is None:
            continue
        assert not style.link, (widget, segment)
        click = (style.meta or {}).get("@click")
        assert click is None or "quit" not in str(click), (widget, segment)


def walk_widgets(app: DectreeApp) -> list[Widget]:
    """Widgets showing tree text on the walk screen (not Markdown: its links are checked apart)."""
    screen = app.screen
    shown = [w for w in screen.query("#node Static") if not isinstance(w.parent, Markdown)]
    return [*shown, *screen.query("#choices, #path, #walk-header Static")]


async def test_home_shows_markup_literally(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        results = app.screen.query_one(ResultList)
        text = widget_text(results)
        assert "[@click=app.quit]Quit title[/] [red]red[/red]" in text
        assert "[link=https://example.com]x[/link] purpose with [/bold]" in text
        assert_inert(results)


async def test_walk_shows_markup_literally(make_app: MakeApp) -> None:
    app = make_app(tree="hostile")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for literal in LITERALS:
            assert literal in text, literal
        detail = app.screen.query_one("#node Markdown", Markdown)
        detail_text = widget_text(detail)
        assert "[@click=app.quit]click[/]" in detail_text
        assert "[red]red[/red]" in detail_text
        for widget in walk_widgets(app):
            assert_inert(widget)


async def test_clicking_markup_does_nothing(make_app: MakeApp) -> None:
    app = make_app(tree="hostile")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        session = walk(app).session
        targets = [w for w in app.screen.query("#node Static") if "@click" in widget_text(w)]
        assert len(targets) >= 3
        for widget in targets:
            await pilot.click(widget)
            await pilot.pause()
        assert app.is_running
        assert app.return_code is None
        assert walk(app).session is session
        assert session.state is SessionState.walking
        assert session.current.node_id == "start"


async def test_markdown_links_are_never_followed(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    app = make_app(tree="hostile")
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        paragraph = app.screen.query_one("#node Markdown").query(Static).first()
        width, height = paragraph.size
        position = None
        for y, strip in enumerate(paragraph.render_lines(Region(0, 0, width, height))):
            x = 0
            for segment in strip:
                meta = segment.style.meta if segment.style else {}
                if "app.quit" in str(meta.get("@click", "")):
                    position = (x, y)
                    break
                x += segment.cell_length
            if position:
                break
        assert position is not None, "the Markdown link was not found"
        await pilot.click(paragraph, offset=position)
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert opened == []
        assert app.clipboard == "app.quit"
        assert any("app.quit" in n.message for n in app._notifications)


async def test_conclusion_and_escalation_show_markup_literally(make_app: MakeApp) -> None:
    app = make_app(tree="hostile")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("1")  # the conclusion
        await pilot.pause()
        text = screen_text(app)
        for literal in ("Cause [@click=app.quit]quit[/] [red]red[/red]",
                        "[link=https://example.com]step[/link]", "echo [red]x[/red]",
                        "[@click=app.quit]verify[/]", "[/bold]rollback"):
            assert literal in text, literal
        for widget in walk_widgets(app):
            assert_inert(widget)
        await pilot.press("b", "2")  # the escalation
        await pilot.pause()
        text = screen_text(app)
        for literal in ("Reason [@click=app.quit]quit[/]", "[@click=app.quit]Team[/]",
                        "[link=https://example.com]chan[/link]", "[red]when[/red]",
                        "[red]attach[/red]", "␛[2Jescape"):
            assert literal in text, literal
        assert "\x1b" not in text
        for widget in walk_widgets(app):
            assert_inert(widget)
        assert app.is_running


async def test_outline_and_variables_show_markup_literally(make_app: MakeApp) -> None:
    app = make_app(tree="hostile")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OutlineScreen)
        outline = app.screen.query_one("#outline")
        labels = [str(node.label) for node in outline.root.children]  # type: ignore[attr-defined]
        assert any("[@click=app.quit]Choice one[/]" in label for label in labels)
        assert "[red]Red title[/red]" in str(outline.root.label)  # type: ignore[attr-defined]
        assert_inert(outline)
        await pilot.press("escape", "v")
        await pilot.pause()
        assert isinstance(app.screen, VariablesScreen)
        text = screen_text(app)
        assert "[@click=app.quit]desc[/]" in text
        for widget in app.screen.query(Static):
            assert_inert(widget)


async def test_notes_and_variable_values_stay_literal(make_app: MakeApp) -> None:
    app = make_app(tree="net", variables={"host": "[@click=app.quit]h[/]"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n", *"[red]n", "ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert "dig +short '[@click=app.quit]h[/]'" in text
        assert "[red]n" in text
        for widget in walk_widgets(app):
            assert_inert(widget)


# -- invisible and terminal-driving characters ------------------------------------------

INVISIBLE = {
    "bidi override": "\u202e",
    "bidi isolate": "\u2066",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "byte order mark": "\ufeff",
    "line separator": "\u2028",
    "escape": "\x1b",
    "C1 CSI": "\x9b",
}


@pytest.mark.parametrize("name", sorted(INVISIBLE))
def test_safe_text_neutralises_invisible_characters(name: str) -> None:
    from dectree.app.safe import clean, one_line, plain, prose, rich_text
    from dectree.text.plain import is_unsafe

    text = f"admin{INVISIBLE[name]}txt.exe\nnext line"
    for shown in (clean(text), one_line(text), prose(text), plain(text).plain,
                  rich_text(text).plain):
        assert not [c for c in shown if c not in "\n\t" and is_unsafe(c)], (name, shown)
        assert "admin" in shown and "txt.exe" in shown


@pytest.mark.parametrize("name", sorted(INVISIBLE))
async def test_toasts_are_cleaned_whoever_raises_them(make_app: MakeApp, name: str) -> None:
    from dectree.text.plain import is_unsafe

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pilot.app.notify(f"version 1.0{INVISIBLE[name]}]0;x", title=f"T{INVISIBLE[name]}")
        pilot.app.screen.notify(f"screen {INVISIBLE[name]}", markup=False)
        for note in pilot.app._notifications:
            text = note.title + note.message
            assert not [c for c in text if is_unsafe(c)], (name, text)
