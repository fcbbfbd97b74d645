"""A tree as a Graphviz DOT digraph (`dot -Tsvg tree.dot > tree.svg`).

The same picture as the Mermaid flowchart: shapes by node kind, conclusions
coloured by outcome, links into other trees as folder-shaped nodes, and
findings (unreachable nodes, dead ends, references to nothing) drawn in red
with dashed outlines. Node names in the DOT file are the tree's own ids,
quoted, so the file can be read and diffed beside the YAML.
"""

from __future__ import annotations

from collections.abc import Sequence

from dectree.model.catalog import LoadedTree
from dectree.model.tree import AnyNode, Conclusion, Escalation, Tree
from dectree.render.outline import Outline, escalation_label, name, outline
from dectree.source.problems import Problem
from dectree.text.escape import dot_comment, dot_string, shorten

LABEL_LIMIT = 70
EDGE_LIMIT = 50
STYLES = {
    "question": 'shape=diamond, fillcolor="#e8f0fe", color="#1a73e8"',
    "action": 'shape=box, fillcolor="#f1f3f4", color="#5f6368"',
    "resolved": 'shape=box, style="rounded,filled", fillcolor="#e6f4ea", color="#188038"',
    "workaround": 'shape=box, style="rounded,filled", fillcolor="#fef7e0", color="#e37400"',
    "escalate": 'shape=box, style="rounded,filled", fillcolor="#fce8e6", color="#c5221f"',
    "escalation": 'shape=hexagon, fillcolor="#fce8e6", color="#c5221f", penwidth=2',
    "link": 'shape=folder, fillcolor="#f3e8fd", color="#8430ce"',
    "problem": 'style="filled,dashed", fillcolor="#ffebee", color="#d50000", penwidth=3',
}


def render_dot(source: LoadedTree | Tree, problems: Sequence[Problem] | None = None) -> str:
    """The tree as DOT source, ending with a newline."""
    return "\n".join(digraph(outline(source, problems))) + "\n"


def digraph(plan: Outline) -> list[str]:
    """The lines of the digraph for a laid-out tree."""
    tree = plan.tree
    lines = [dot_comment(f"dectree tree {tree.id} {tree.version}")]
    lines += [dot_comment(f"{p.level.value} {p.code} line {p.line}: {p.message}")
              for p in plan.problems]
    lines += [
        f"digraph {dot_string(tree.id)} {{",
        f"  graph [label={dot_string(tree.title)}, labelloc=t, fontname=Helvetica, rankdir=TB];",
        '  node [fontname=Helvetica, fontsize=11, style=filled];',
        "  edge [fontname=Helvetica, fontsize=10];",
    ]
    lines.append('  "__start" [shape=circle, label="start", fontcolor=white, '
                 'fillcolor="#202124", color="#202124", fontsize=9];')
    if tree.start in tree.nodes:
        lines.append(f'  "__start" -> {dot_string(tree.start)};')
    else:
        label = dot_string(f"⚠ missing start\n{tree.start}", multiline=True)
        lines.append(f'  "__missing_start" [label={label}, shape=box, {STYLES["problem"]}];')
        lines.append('  "__start" -> "__missing_start" [color="#d50000"];')
    for node_id in plan.order:
        node = tree.nodes[node_id]
        findings = plan.findings.get(node_id, [])
        attrs = [f"label={dot_string(_label(node, findings), multiline=True)}",
                 STYLES[_kind(node)]]
        if findings:
            attrs.append(STYLES["problem"])
        lines.append(f"  {dot_string(node_id)} [{', '.join(attrs)}];")
    for ref in plan.links():
        tree_id, node_id = ref.split(":", 1)
        label = dot_string(f"↪ {tree_id} runbook\n{node_id}", multiline=True)
        lines.append(f"  {dot_string('link:' + ref)} [label={label}, {STYLES['link']}];")
    missing: set[str] = set()
    for edge in plan.edges:
        if edge.missing:
            target = "missing:" + edge.ref
            if target not in missing:
                missing.add(target)
                label = dot_string(f"⚠ missing\n{edge.ref}", multiline=True)
                style = STYLES["problem"]
                lines.append(f"  {dot_string(target)} [label={label}, shape=box, {style}];")
        else:
            target = edge.target_node if edge.local else "link:" + edge.ref
        attrs = []
        if edge.label is not None:
            attrs.append(f"label={dot_string(shorten(edge.label, EDGE_LIMIT))}")
        if edge.kind in ("not-fixed", "continue"):
            attrs.append("style=dashed")
        if edge.missing:
            attrs.append('color="#d50000"')
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {dot_string(edge.source)} -> {dot_string(target)}{suffix};")
    lines.append("}")
    return lines


def _label(node: AnyNode, findings: list[str]) -> str:
    text = name(node, LABEL_LIMIT)
    if isinstance(node, Conclusion):
        level = f" {node.level.value}" if node.level else ""
        text += f"\n({node.outcome.value}{level})"
    elif isinstance(node, Escalation):
        text = escalation_label(node, LABEL_LIMIT)
    return text + "".join(f"\n⚠ {finding}" for finding in findings)


def _kind(node: AnyNode) -> str:
    return node.outcome.value if isinstance(node, Conclusion) else node.kind
