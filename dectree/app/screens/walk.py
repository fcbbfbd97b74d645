"""The walk screen: header, the current node, the choices, and the path so far.

A thin view over a `Session`: every key calls one engine operation, and the
screen redraws from the session when the session reports an event. The screen
keeps no walk state of its own beyond what is on display.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList, Static

from dectree.app.host import AppHost, host
from dectree.app.options import Option, options
from dectree.app.safe import clean, one_line
from dectree.app.widgets.choice_list import ChoiceList
from dectree.app.widgets.command_block import CommandBlock
from dectree.app.widgets.header import WalkHeader
from dectree.app.widgets.node_view import NodeView
from dectree.app.widgets.path_panel import PathPanel, step_tooltip
from dectree.engine.events import Event, SearchPerformed, SessionOutcome
from dectree.engine.session import Session, SessionState, WalkError
from dectree.engine.walk import jump_label
from dectree.text.plain import clean as escape_controls

if TYPE_CHECKING:  # search is imported when a search is made
    from dectree.engine.search import Start


def _number_bindings() -> list[BindingType]:
    first = Binding("1", "number(1)", "Choose", key_display="1-9")
    rest = [Binding(str(n), f"number({n})", f"Choose {n}", show=False) for n in range(2, 10)]
    return [first, *rest]


class WalkScreen(Screen[None]):
    """Walk one session through its trees."""

    # In footer order: what an engineer needs most comes first, so a narrow
    # terminal cuts the rest (every key is in `?` and the palette).
    BINDINGS: ClassVar[list[BindingType]] = [
        *_number_bindings(),
        Binding("c", "copy", "Copy"),
        Binding("b", "back", "Back"),
        Binding("backspace", "back", "Back", show=False),
        Binding("v", "variables", "Vars", tooltip="set the values filled into commands"),
        Binding("n", "note", "Note"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("e", "export", "Export", tooltip="the walk as Markdown, under the sessions directory"),
        Binding("E", "export_to", "Export to…", show=False, key_display="E"),
        Binding("i", "incident", "Incident", tooltip="set the incident id of this walk"),
        Binding("o", "outline", "Tree", tooltip="the whole tree, your path marked"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding(
            "r",
            "run_check",
            "Run",
            show=False,  # the command blocks show it: [r 1] run
            tooltip="run a check of this question here (asks first, every time)",
        ),
        Binding("p", "path", "Path", show=False, tooltip="move to the path panel"),
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("q", "app.request_quit", "Quit"),
        # After Quit: the footer's first keys are pinned at 80 and 100 columns;
        # wider terminals show it, the help screen and the palette always do.
        Binding("h", "home", "Home", tooltip="go home; the walk stays in progress, to resume"),
    ]

    def __init__(
        self,
        session: Session,
        *,
        incident: str | None = None,
        clock: Callable[[], dt.datetime],
        from_search: str | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.from_search = from_search
        """The query the walk was started from, if any (`b` at the first step goes back to it)."""
        self.incident = session.incident or incident
        self._clock = clock
        self._copy_pending = False
        self._run_pending = False
        self._entry_notice = False  # the "From search" toast is up
        self._dirty = False
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def dectree(self) -> AppHost:
        return host(self.app)

    def compose(self) -> ComposeResult:
        yield WalkHeader(self.session.path[0].entered_at, self._clock, self.incident)
        with Horizontal(id="walk-body"):
            with Vertical(id="main"):
                yield NodeView()
                yield ChoiceList()
            with Vertical(id="side"):
                yield PathPanel()
                yield Static(id="path-detail")
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        self._unsubscribe = self.session.subscribe(self._on_event)
        await self.sync()
        self.query_one(ChoiceList).focus()
        if self.from_search is not None:
            self._explain_entry()

    def _explain_entry(self) -> None:
        """Say why the walk starts here: what search matched, and what it suggests."""
        found = next(
            (e for e in reversed(self.session.events) if isinstance(e, SearchPerformed)), None
        )
        if found is None or found.entry is None:
            return
        if found.matched is None:
            text = "No step matched clearly: this is the tree's first question."
        else:
            how = "Matched" if found.strength == "exact" else "Words in"
            text = f"{how} {found.field}: {one_line(found.matched, 80)}"
        if found.suggested is not None and found.suggested_label is not None:
            text += (
                f"\nSearch suggests answer {found.suggested + 1}: "
                f"{one_line(found.suggested_label, 60)}. Check it: b goes back to the results."
            )
        self.notify(text, title=f"From search ({found.strength})", timeout=12, markup=False)
        self._entry_notice = True

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    # -- drawing from the session -----------------------------------------------

    def _on_event(self, _event: Event) -> None:
        if not self._dirty:
            self._dirty = True
            self.call_later(self.sync)

    async def sync(self) -> None:
        """Redraw everything from the session."""
        self._dirty = False
        session = self.session
        header = self.query_one(WalkHeader)
        header.show_tree(session.tree.title)
        finished = session.state is SessionState.finished
        header.stop(session.events[-1].at if finished and session.events else None)
        if session.incident and session.incident != self.incident:
            self.incident = session.incident
        header.set_incident(self.incident)
        if self._copy_pending and (finished or not session.commands()):
            self._copy_pending = False
        if self._run_pending and (finished or not session.runnable_checks()):
            self._run_pending = False
        header.show_recording(self.dectree.recording_state(session))
        await self.query_one(NodeView).show(session, self.dectree.run_disabled)
        self._show_choices()
        self.query_one(PathPanel).show(session)
        if self._entry_notice and not self._entered_by_search():
            # Why search opened this step: said while it is the step on screen, and gone
            # with it (at 80x24 it covered the next step's answers for seconds).
            self._entry_notice = False
            self.app.clear_notifications()

    def _show_choices(self, title: str | None = None) -> None:
        if self._copy_pending:
            self._show_commands()
            return
        if self._run_pending:
            self._show_checks()
            return
        choices = options(self.session)
        # A step search just opened: the Enter that opened it, pressed again (it seemed
        # not to take, or a bounce), must not answer for the engineer. Nothing is
        # highlighted until a digit or an arrow says which answer.
        fresh = self._entered_by_search() and len(choices) > 1
        if title is None:
            title = f"Choose 1-{min(len(choices), 9)}" if len(choices) > 1 else "Continue: 1"
            if fresh:
                title += " (a digit, or ↓ then Enter)"
            if self.session.state is SessionState.finished:
                title = "Walk finished"
        self.query_one(ChoiceList).show(choices, title, highlight=not fresh)

    # -- answering ----------------------------------------------------------------

    def _show_commands(self) -> None:
        """Copy mode: the step's commands in place of the answers, numbered as `c` numbers them."""
        commands = [
            Option(f"$ {one_line(filled.redacted, 200)}") for filled in self.session.commands()
        ]
        title = f"Copy command 1-{min(len(commands), 9)}? Enter copies, Esc cancels"
        self.query_one(ChoiceList).show(commands, title)

    def _show_checks(self) -> None:
        """Run mode: the question's checks in place of the answers, numbered as `r` numbers them."""
        runnable = set(self.session.runnable_checks())
        checks = [
            Option(f"$ {one_line(filled.redacted, 200)}", "" if i in runnable else "copy only")
            for i, filled in enumerate(self.session.commands())
        ]
        title = f"Run check 1-{min(len(checks), 9)}? Enter asks first, Esc cancels"
        self.query_one(ChoiceList).show(checks, title)

    def _leave_run_mode(self) -> None:
        if self._run_pending:
            self._run_pending = False
            self._show_choices()

    def pick(self, index: int) -> None:
        """Apply option `index` (0-based) of the current step (in copy mode: copy command `index`)."""
        if self._copy_pending:
            self._leave_copy_mode()
            self.copy(index)
            return
        if self._run_pending:
            self._leave_run_mode()
            self.run_check(index)
            return
        choices = self.query_one(ChoiceList).choices
        if not 0 <= index < len(choices):
            self.notify(f"There is no choice {index + 1} here.", severity="warning")
            return
        try:
            action = choices[index].pick(self.session)
        except WalkError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if action == "home":
            self.dectree.go_home()
        elif action == "quit":
            self.app.exit(0)

    @on(OptionList.OptionSelected, "#choices")
    def _choice_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.pick(event.option_index)

    @on(ChoiceList.ScrollNode)
    def _scroll_node(self, event: ChoiceList.ScrollNode) -> None:
        node = self.query_one(NodeView)
        if event.direction > 0:
            node.scroll_page_down()
        else:
            node.scroll_page_up()

    def action_number(self, number: int) -> None:
        self.pick(number - 1)

    def action_back(self) -> None:
        session = self.session
        at_entry = session.step_index == 0 and not session.current.answered
        if at_entry and self.from_search is not None and session.state is SessionState.walking:
            # Entered from search and nothing answered: back is the results.
            query = self.from_search
            self._run(lambda: session.finish(SessionOutcome.abandoned))
            self.dectree.back_to_results(query)
            return
        jumped = self._jump_query()
        if self._run(session.back) and jumped is not None:
            self._open_search(jumped)

    def _entered_by_search(self) -> bool:
        """Whether search opened the current step and nothing is answered there yet."""
        session = self.session
        if session.state is not SessionState.walking or session.current.answered:
            return False
        at_entry = session.step_index == 0 and self.from_search is not None
        return at_entry or self._jump_query() is not None

    def _jump_query(self) -> str | None:
        """The query of the search that brought the walk to the current step, if one did."""
        path = self.session.path
        if len(path) < 2 or self.session.current.answered:
            return None
        answer = path[-2].answer or ""
        prefix = jump_label("")
        return answer[len(prefix) :] if answer.startswith(prefix) else None

    def action_home(self) -> None:
        """Go home and leave the walk in progress; it is listed there to resume."""
        if self.session.state in (SessionState.finished, SessionState.not_started):
            self.dectree.go_home()
            return
        self.dectree.park_walk(self.session)

    @on(OptionList.OptionHighlighted, "#path")
    def _path_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_path_detail()

    def on_descendant_focus(self) -> None:
        self._show_path_detail()

    def on_descendant_blur(self) -> None:
        self.call_later(self._show_path_detail)  # focus has moved on by then

    def _show_path_detail(self) -> None:
        """While the path panel has focus, the highlighted step in full under it."""
        panel = self.query_one(PathPanel)
        detail = self.query_one("#path-detail", Static)
        index = panel.step_at(panel.highlighted) if panel.has_focus else None
        if index is None or index >= len(self.session.path):
            detail.display = False
            return
        detail.update(Content(step_tooltip(index + 1, self.session.path[index], self.session)))
        detail.display = True

    @on(PathPanel.ReopenRequested)
    def _reopen(self, event: PathPanel.ReopenRequested) -> None:
        self.reopen(event.index)

    def reopen(self, index: int) -> None:
        """Make step `index` current again (the steps after it are dropped)."""
        if index == self.session.step_index and not self.session.current.answered:
            self.notify("That is the current step.")
            return
        if self._run(lambda: self.session.reopen(index)):
            self.query_one(ChoiceList).focus()

    def _run(self, operation: Callable[[], object]) -> bool:
        try:
            operation()
        except WalkError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return False
        return True

    @on(Markdown.LinkClicked)
    def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        """Links in a tree's Markdown are never followed: copy the address, show it."""
        event.stop()
        href = clean(event.href)
        self.app.copy_to_clipboard(href)
        self.notify(f"Link not opened; address copied: {href}", markup=False)

    # -- commands ------------------------------------------------------------------

    def action_copy(self) -> None:
        count = len(self.session.commands())
        if count == 0:
            self.notify("This step has no commands to copy.")
        elif count == 1:
            self.copy(0)
        else:
            self._copy_pending = True
            self._show_choices()
            self.query_one(ChoiceList).focus()

    def _leave_copy_mode(self) -> None:
        if self._copy_pending:
            self._copy_pending = False
            self._show_choices()

    @on(CommandBlock.CopyRequested)
    def _copy_clicked(self, event: CommandBlock.CopyRequested) -> None:
        self.copy(event.index)

    def copy(self, index: int) -> None:
        """Copy command `index` (0-based) of the current step to the clipboard."""
        commands = self.session.commands()
        if not 0 <= index < len(commands):
            self.notify(f"There is no command {index + 1} here.", severity="warning")
            return
        try:
            filled = self.session.copy_command(index)
        except WalkError:  # a finished walk records nothing more; copying still helps
            filled = commands[index]
        text = escape_controls(filled.text, newlines=True)
        self.app.copy_to_clipboard(text)
        if text != filled.text:
            # A control, format or bidi character (an ESC, U+202E) would paste into a
            # shell something other than what the screen shows: copied as escapes.
            self.notify(
                f"Command {index + 1} holds control or invisible characters; copied with "
                "them shown as escapes (\\x1b, \\u202e). Check the tree before running it.",
                severity="warning",
                markup=False,
            )
        elif filled.missing:
            names = ", ".join("{" + n + "}" for n in filled.missing)
            self.notify(
                f"Copied command {index + 1}, but {names} still need values: press v.",
                severity="warning",
                markup=False,
            )
        else:
            self.notify(f"Copied command {index + 1} to the clipboard.")

    # -- running checks ----------------------------------------------------------

    def action_run_check(self) -> None:
        from dectree.model.tree import Question

        node = self.session.node
        if not isinstance(node, Question) or not node.checks:
            self.notify("Only a question's checks can be run; this step has none.")
            return
        if self.dectree.run_disabled:
            self.notify(
                f"Running checks is turned off ({self.dectree.run_disabled}): copy with c.",
                severity="warning",
                markup=False,
            )
            return
        runnable = self.session.runnable_checks()
        if not runnable:
            self.notify("These checks are copy-only: copy with c and run them yourself.")
        elif len(node.checks) == 1:
            self.run_check(0)
        else:
            self._copy_pending = False
            self._run_pending = True
            self._show_choices()
            self.query_one(ChoiceList).focus()

    def run_check(self, index: int) -> None:
        """Ask, then run check `index` (0-based) of the current question."""
        from dectree.app.screens.run_check import RunConsentScreen, RunScreen
        from dectree.model.tree import Question

        try:
            filled, timeout = self.session.prepare_check(index)
        except WalkError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        node = self.session.node
        where = node.checks[index].where if isinstance(node, Question) else None

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(RunScreen(self.session, index))

        self.app.push_screen(
            RunConsentScreen(index + 1, filled, where=where, timeout=timeout), answer
        )

    def action_cancel(self) -> None:
        if self._run_pending:
            self._leave_run_mode()
        elif self._copy_pending:
            self._leave_copy_mode()
        else:
            self.query_one(ChoiceList).focus()

    def on_key(self, event: Key) -> None:
        moving = event.key in ("up", "down", "enter", "home", "end", "pageup", "pagedown")
        pending = self._copy_pending or self._run_pending
        if pending and not (event.key.isdigit() or event.key == "escape" or moving):
            self._leave_copy_mode()
            self._leave_run_mode()

    # -- panels and dialogs -------------------------------------------------------

    def action_path(self) -> None:
        panel = self.query_one(PathPanel)
        if panel.has_focus:
            self.query_one(ChoiceList).focus()
        else:
            panel.focus()

    def action_note(self) -> None:
        from dectree.app.screens.note import NoteScreen

        step = self.session.step_index
        panel = self.query_one(PathPanel)
        if panel.has_focus:
            chosen = panel.step_at(panel.highlighted)
            step = step if chosen is None else chosen
        if self.session.state is SessionState.finished:
            self.notify("The walk is finished: notes can no longer be added.", severity="warning")
            return

        def save(text: str | None) -> None:
            if text is not None:
                self._run(lambda: self.session.note(text, step))

        self.app.push_screen(NoteScreen(step + 1, self.session.path[step].note or ""), save)

    def action_variables(self) -> None:
        from dectree.app.screens.variables import VariablesScreen

        if self.session.state is SessionState.finished:
            self.notify("The walk is finished: variables can no longer change.", severity="warning")
            return

        def save(values: dict[str, str | None] | None) -> None:
            for name, value in (values or {}).items():
                change = (
                    partial(self.session.unset_variable, name)
                    if value is None
                    else partial(self.session.set_variable, name, value)
                )
                if not self._run(change):
                    break

        self.app.push_screen(VariablesScreen(self.session), save)

    def action_outline(self) -> None:
        from dectree.app.screens.outline import OutlineScreen

        def done(step: int | None) -> None:
            if step is not None:
                self.reopen(step)

        self.app.push_screen(OutlineScreen(self.session), done)

    def action_search(self) -> None:
        self._open_search("")

    def _open_search(self, query: str) -> None:
        from dectree.app.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(query), self._search_done)

    def _search_done(self, found: tuple[Start, str, int] | None) -> None:
        if found is None:
            return
        start, query, hits = found
        if self.session.state is SessionState.finished:
            self.dectree.go_home()
            self.dectree.start_from_search(query, start, hits)
            return
        # Go on there: the path keeps every answer so far, and `b` comes back.
        self._run(lambda: self.session.jump_from_search(query, start, hits))

    def action_export(self) -> None:
        self.dectree.action_export()

    def action_export_to(self) -> None:
        """Ask where to write the export (the sessions directory is offered)."""
        from dectree.app.screens.ask import AskScreen

        def chosen(path: str | None) -> None:
            if path:
                self.dectree.action_export(path)

        default = self.dectree.export_path(self.session) or ""
        self.app.push_screen(
            AskScreen(
                "Export the walk as Markdown to",
                value=default,
                help_text="A file, or a directory to put it in. It is also copied to the clipboard.",
            ),
            chosen,
        )

    def action_incident(self) -> None:
        """Ask for the incident id; it is recorded in the walk (and named in its export)."""
        from dectree.app.screens.ask import AskScreen

        def chosen(text: str | None) -> None:
            if not text:
                return
            self.dectree.set_incident(text)
            if self.session.state is SessionState.finished:
                # A finished walk records nothing more: the export names it still.
                self.incident = " ".join(text.split())
                self.query_one(WalkHeader).set_incident(self.incident)
                self.notify("The walk is finished: the incident id goes into its export.")
            else:
                self._run(lambda: self.session.set_incident(text))

        self.app.push_screen(
            AskScreen(
                "Incident id",
                value=self.incident or "",
                placeholder="e.g. INC-1234",
                help_text="Recorded in this walk's journal and named in its export.",
            ),
            chosen,
        )

    def request_quit(self) -> None:
        """Quit; if the walk is in progress, ask first: keep it for later, or abandon it."""
        from dectree.app.screens.confirm import ConfirmScreen, QuitWalkScreen

        parked = self.dectree.parked
        if self.session.state in (SessionState.finished, SessionState.not_started):
            if not parked:
                self.app.exit(0)
                return

            def leave(yes: bool | None) -> None:
                if yes:
                    self.app.exit(0)

            self.app.push_screen(
                ConfirmScreen(self.dectree.parked_notice(), yes="Quit", no="Stay"), leave
            )
            return

        def answer(choice: str | None) -> None:
            if choice == "abandon":
                self._run(lambda: self.session.finish(SessionOutcome.abandoned))
                self.app.exit(0)
            elif choice == "keep":
                self._run(self.session.park)  # recorded: resume takes it up where it stands
                self.app.exit(0)

        self.app.push_screen(QuitWalkScreen(len(parked)), answer)
