"""The floors the app is measured against: the least a Textual app can do.

- `LabelApp`: one `Label`, nothing else. Run as a script (`python
  bench/tui_floor.py`) it is the start-up floor: the benchmark times its first
  frame on a pty exactly as it times `python -m dectree`.
- `FloorWalk`: a minimal decision-tree walker: a `Label` with the node's
  prompt and an `OptionList` with its choices; `1` (or Enter) takes the
  highlighted choice, replaces the label and the options. This is the key
  latency floor: the same key, the same tree, the same measurement as the app.

Neither uses dectree's app code; `FloorWalk` reads prompts and choices from a
plain dict built by `walk_nodes`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, OptionList

LABEL_TEXT = "minimal floor app: one label"

# node id -> (prompt, [(choice label, next node id)])
Nodes = dict[str, tuple[str, list[tuple[str, str]]]]


class LabelApp(App[None]):
    """One Label."""

    def compose(self) -> ComposeResult:
        yield Label(LABEL_TEXT)


def walk_nodes(tree: Any) -> Nodes:
    """Prompts and choices of a dectree `Tree` model, as plain data (actions: one choice)."""
    out: Nodes = {}
    for node_id, node in tree.nodes.items():
        prompt = getattr(node, "prompt", None) or getattr(node, "title", None) or node_id
        if node.kind == "question":
            choices = [(c.label, c.next) for c in node.choices]
        elif node.kind == "action":
            choices = [("Done: continue", node.next)]
        else:
            choices = []
        out[node_id] = (prompt, choices)
    return out


def walk_nodes_all(trees: Any) -> Nodes:
    """Like `walk_nodes`, over several trees (`{id: Tree}`), keyed `tree:node` (links followed)."""
    out: Nodes = {}
    for tree_id, tree in trees.items():
        for node_id, (prompt, choices) in walk_nodes(tree).items():
            out[f"{tree_id}:{node_id}"] = (
                prompt,
                [(label, nxt if ":" in nxt else f"{tree_id}:{nxt}") for label, nxt in choices],
            )
    return out


class FloorWalk(App[None]):
    """Label + OptionList; `1`-`9` (or Enter) follow a choice, `b` goes back."""

    CSS = "Label { height: auto; margin: 1; } OptionList { height: 1fr; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"choose({n - 1})", f"Choose {n}") for n in range(1, 10)),
        Binding("b", "back", "Back"),
    ]

    def __init__(self, nodes: Nodes, start: str) -> None:
        super().__init__()
        self.nodes = nodes
        self.current = start
        self.history: list[str] = []

    def compose(self) -> ComposeResult:
        yield Label(markup=False, id="prompt")
        yield OptionList(id="choices", markup=False)

    def on_mount(self) -> None:
        self.show(self.current)
        self.query_one(OptionList).focus()

    def show(self, node_id: str) -> None:
        self.current = node_id
        prompt, choices = self.nodes[node_id]
        self.query_one(Label).update(prompt)
        options = self.query_one(OptionList)
        options.set_options(label for label, _ in choices)
        options.highlighted = 0 if choices else None

    def action_choose(self, index: int) -> None:
        self._follow(index)

    def action_back(self) -> None:
        if self.history:
            self.show(self.history.pop())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._follow(event.option_index)

    def _follow(self, index: int) -> None:
        choices = self.nodes[self.current][1]
        if 0 <= index < len(choices):
            self.history.append(self.current)
            self.show(choices[index][1])


if __name__ == "__main__":
    LabelApp().run()
