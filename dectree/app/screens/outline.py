"""The outline: the whole current tree, with the visited path and the current node marked.

Built on Textual's `Tree`, expanded lazily: a node's children are added the
first time it is expanded, so a 10,000-node tree costs only what is opened.
The path to the current node is opened on arrival. Enter on a visited node
reopens that step; on any other node it opens or closes it. Labels are never
cut: Left and Right scroll sideways, and the highlighted line is shown in full,
wrapped, under the tree.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from dectree.app.safe import one_line, rich_text
from dectree.engine.session import Session
from dectree.engine.walk import node_title
from dectree.model.tree import AnyNode, Question, node_next, split_ref
from dectree.model.tree import Tree as TreeModel

KIND_ICON = {"question": "?", "action": "»", "conclusion": "■", "escalation": "⚑"}


@dataclass(frozen=True)
class Entry:
    """What an outline line stands for: a node of the tree, reached under some ancestors."""

    node_id: str
    ancestors: frozenset[str]
    expandable: bool


def without_loops(node_ids: list[str]) -> list[str]:
    """The path with every loop taken cut out: `a b c a d` becomes `a d`."""
    out: list[str] = []
    at: dict[str, int] = {}
    for node_id in node_ids:
        if node_id in at:
            del out[at[node_id] + 1 :]
            at = {n: i for i, n in enumerate(out)}
        else:
            at[node_id] = len(out)
            out.append(node_id)
    return out


def path_to(tree: TreeModel, session: Session) -> list[str]:
    """Node ids from the tree's start to the current node: the walked path, else the shortest.

    Loops walked (a retry question leading back) are cut out, so the path ends at
    the current node and the outline can open down to it.
    """
    current = session.current
    walked: list[str] = []
    for step in reversed(session.path):
        if step.tree_id != current.tree_id:
            break
        walked.insert(0, step.node_id)
    if walked and walked[0] == tree.start:
        return without_loops(walked)
    target = walked[0] if walked else current.node_id
    parents: dict[str, str | None] = {tree.start: None}
    queue = deque([tree.start])
    while queue:
        node_id = queue.popleft()
        if node_id == target:
            break
        node = tree.nodes.get(node_id)
        if node is None:
            continue
        for ref in node_next(node):
            tree_id, child = split_ref(ref, tree.id)
            if tree_id == tree.id and child not in parents:
                parents[child] = node_id
                queue.append(child)
    if target not in parents:
        return [tree.start, *walked] if walked else [tree.start]
    chain: list[str] = []
    at: str | None = target
    while at is not None:
        chain.insert(0, at)
        at = parents[at]
    return without_loops(chain + walked[1:])


class OutlineScreen(ModalScreen[int | None]):
    """Browse the current tree; dismiss with a step index to reopen, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,o,q", "close", "Close"),
        Binding("left", "sideways(-1)", "Scroll left", show=False),
        Binding("right", "sideways(1)", "Scroll right", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(classes="dialog-screen")
        self.session = session
        self.tree_model = session.tree
        current = session.current
        self.current_id = current.node_id
        self.visited = {s.node_id for s in session.path if s.tree_id == current.tree_id}

    def compose(self) -> ComposeResult:
        tree = self.tree_model
        with Vertical(classes="dialog full"):
            title = Content.assemble(("Outline  ", "bold"), (one_line(tree.title), "bold $text-accent"))
            yield Static(title, classes="dialog-title")
            yield Static(
                Content.from_markup(
                    "[b]◉[/b] current  [b]✓[/b] visited   "
                    "? question  » action  ■ conclusion  ⚑ escalation"
                ),
                classes="dialog-help",
            )
            outline: Tree[Entry] = Tree(self._label(tree.start, None), id="outline")
            outline.auto_expand = False
            outline.root.data = self._entry(tree.start, frozenset())
            outline.root.allow_expand = outline.root.data.expandable
            yield outline
            yield Static(id="outline-full")
            yield Static(
                Content.from_markup(
                    "[b]enter[/b] reopen a visited step / open   [b]space[/b] open/close   "
                    "[b]← →[/b] scroll   [b]esc[/b] close"
                ),
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        outline = self.query_one("#outline", Tree)
        node: TreeNode[Entry] = outline.root
        self._populate(node)
        node.expand()
        depth = 0
        for node_id in path_to(self.tree_model, self.session)[1:]:
            child = next((c for c in node.children if c.data and c.data.node_id == node_id), None)
            if child is None:
                break
            self._populate(child)
            child.expand()
            node = child
            depth += 1
        outline.focus()
        # Cursor on the current node before the first frame (last_line builds the
        # lines), so the first frame is not spent on the top of a deep path...
        if outline.last_line >= 0:
            self._move_to(node, depth)
        # ...and again once the tree has its size, to scroll it into view.
        self.call_after_refresh(self._move_to, node, depth)

    def _move_to(self, node: TreeNode[Entry], depth: int) -> None:
        outline = self.query_one("#outline", Tree)
        outline.move_cursor(node)
        outline.scroll_to_node(node, animate=False)
        # Deep in a long walk the label starts right of the dialog's edge (the
        # guides take `guide_depth` columns a level): scroll it into view. Before
        # the first layout the width is not known yet: the app's is close enough.
        label_x = depth * outline.guide_depth
        width = outline.scrollable_content_region.width or self.app.size.width * 9 // 10
        left = outline.scroll_offset.x
        if not left <= label_x <= left + width * 2 // 3:
            x = max(0, label_x - width // 3)
            outline.scroll_to(x=x, animate=False, force=True, immediate=True)

    # -- building lazily ----------------------------------------------------------

    def _entry(self, node_id: str, ancestors: frozenset[str]) -> Entry:
        node = self.tree_model.nodes.get(node_id)
        expandable = node is not None and node_id not in ancestors and bool(node_next(node))
        return Entry(node_id, ancestors, expandable)

    def _label(self, node_id: str, via: str | None) -> Text:
        node: AnyNode | None = self.tree_model.nodes.get(node_id)
        label = Text()
        if node_id == self.current_id:
            label.append("◉ ", style="bold")
        elif node_id in self.visited:
            label.append("✓ ", style="bold")
        if via:
            label.append_text(rich_text(one_line(via), "italic"))
            label.append(" → ")
        if node is None:
            label.append_text(rich_text(node_id, "strike"))
            return label
        label.append(f"{KIND_ICON[node.kind]} ")
        style = "bold" if node_id in self.visited else ""
        label.append_text(rich_text(node_title(node, 500), style))
        return label

    def _populate(self, parent: TreeNode[Entry]) -> None:
        entry = parent.data
        if entry is None or parent.children or not entry.expandable:
            return
        node = self.tree_model.nodes[entry.node_id]
        ancestors = entry.ancestors | {entry.node_id}
        labels = [c.label for c in node.choices] if isinstance(node, Question) else []
        for i, ref in enumerate(node_next(node)):
            via = labels[i] if i < len(labels) else None
            tree_id, child_id = split_ref(ref, self.tree_model.id)
            if tree_id != self.tree_model.id:
                other = self.session.trees.get(tree_id)
                text = rich_text(f"{via} → " if via else "", "italic")
                text.append_text(rich_text(f"↪ {other.title if other else tree_id} ({ref})", "italic"))
                parent.add_leaf(text)
                continue
            if child_id in ancestors:
                text = self._label(child_id, via)
                text.append(" ↻ loops back", style="dim")
                parent.add_leaf(text)
                continue
            child_entry = self._entry(child_id, ancestors)
            parent.add(self._label(child_id, via), data=child_entry, allow_expand=child_entry.expandable)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Entry]) -> None:
        self._populate(event.node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Entry]) -> None:
        entry = event.node.data
        if entry is not None and entry.node_id in self.visited:
            for index in range(len(self.session.path) - 1, -1, -1):
                step = self.session.path[index]
                if step.tree_id == self.tree_model.id and step.node_id == entry.node_id:
                    self.dismiss(index)
                    return
        self._populate(event.node)
        event.node.toggle()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Entry]) -> None:
        """The highlighted line in full, wrapped, under the tree (its line may run off screen)."""
        label = event.node.label
        text = label if isinstance(label, str) else label.plain
        self.query_one("#outline-full", Static).update(Content(text))

    def action_sideways(self, direction: int) -> None:
        outline = self.query_one("#outline", Tree)
        step = max(outline.scrollable_content_region.width // 2, 8)
        outline.scroll_to(x=max(0, outline.scroll_x + direction * step), animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
