"""A tree as a Mermaid flowchart, for GitHub (runbooks) or on its own.

Shapes tell node kinds apart: questions are diamonds, actions rectangles,
conclusions stadiums coloured by outcome, escalations hexagons, and links into
other trees subroutine boxes. Unreachable nodes, dead ends and references to
nothing are outlined in red with the finding in the label.

Mermaid ids are generated (`n1`, `l1`, `m1`) rather than taken from the tree,
since node ids such as `end` are keywords in Mermaid.
"""

from __future__ import annotations

from collections.abc import Sequence

from dectree.model.catalog import LoadedTree
from dectree.model.tree import Action, AnyNode, Conclusion, Escalation, Question, Tree
from dectree.render.outline import Edge, Outline, escalation_label, name, outline
from dectree.source.problems import Problem
from dectree.text.escape import mermaid_comment, mermaid_text, shorten

CLASS_DEFS = {
    "question": "fill:#e8f0fe,stroke:#1a73e8,color:#0b1f44",
    "action": "fill:#f1f3f4,stroke:#5f6368,color:#202124",
    "resolved": "fill:#e6f4ea,stroke:#188038,color:#0d3d1c",
    "workaround": "fill:#fef7e0,stroke:#e37400,color:#3d2500",
    "escalate": "fill:#fce8e6,stroke:#c5221f,color:#3c0c0a",
    "escalation": "fill:#fce8e6,stroke:#c5221f,stroke-width:2px,color:#3c0c0a",
    "link": "fill:#f3e8fd,stroke:#8430ce,color:#2a0a4a",
    "start": "fill:#202124,stroke:#202124,color:#ffffff",
    # Last, so it wins over the kind's colours.
    "problem": "fill:#ffebee,stroke:#d50000,stroke-width:3px,stroke-dasharray:6 3,color:#5c0000",
}
LABEL_LIMIT = 70
EDGE_LIMIT = 50


def render_mermaid(source: LoadedTree | Tree, problems: Sequence[Problem] | None = None) -> str:
    """The tree as Mermaid flowchart source, ending with a newline."""
    return "\n".join(flowchart(outline(source, problems))) + "\n"


def flowchart(plan: Outline) -> list[str]:
    """The lines of the flowchart for a laid-out tree."""
    tree = plan.tree
    ids = {node_id: f"n{i}" for i, node_id in enumerate(plan.order, 1)}
    link_ids = {ref: f"l{i}" for i, ref in enumerate(plan.links(), 1)}
    missing_ids: dict[tuple[str, str], str] = {}
    lines = ["flowchart TD", "  " + mermaid_comment(f"dectree tree {tree.id} {tree.version}")]
    for p in plan.problems:
        lines.append("  " + mermaid_comment(f"{p.level.value} {p.code} line {p.line}: {p.message}"))
    classes: dict[str, list[str]] = {name: [] for name in CLASS_DEFS}

    lines.append('  s0(("start"))')
    classes["start"].append("s0")
    if tree.start in ids:
        lines.append(f"  s0 --> {ids[tree.start]}")
    else:
        lines.append(f'  m0["⚠ missing start: {mermaid_text(tree.start)}"]')
        lines.append("  s0 --> m0")
        classes["problem"].append("m0")
    for node_id in plan.order:
        node = tree.nodes[node_id]
        label = _label(node, plan.findings.get(node_id, []))
        lines.append(f"  {ids[node_id]}{_shape(node, label)}")
        classes[_kind_class(node)].append(ids[node_id])
        if node_id in plan.findings:
            classes["problem"].append(ids[node_id])
    for ref, mid in link_ids.items():
        tree_id, node_id = ref.split(":", 1)
        text = mermaid_text(f"{tree_id} runbook: {node_id}")
        lines.append(f'  {mid}[["↪ {text}"]]')
        classes["link"].append(mid)
    for edge in plan.edges:
        if edge.source not in ids:
            continue
        if edge.missing:
            key = (edge.target_tree, edge.target_node)
            if key not in missing_ids:
                missing_ids[key] = f"m{len(missing_ids) + 1}"
                text = mermaid_text(f"missing: {edge.ref}")
                lines.append(f'  {missing_ids[key]}["⚠ {text}"]')
                classes["problem"].append(missing_ids[key])
            target = missing_ids[key]
        elif edge.local:
            target = ids[edge.target_node]
        else:
            target = link_ids[edge.ref]
        lines.append(f"  {ids[edge.source]} {_arrow(edge)} {target}")
    for class_name, style in CLASS_DEFS.items():
        lines.append(f"  classDef {class_name} {style}")
    for class_name, members in classes.items():
        if members:
            lines.append(f"  class {','.join(members)} {class_name}")
    return lines


def _label(node: AnyNode, findings: list[str]) -> str:
    text = mermaid_text(name(node, LABEL_LIMIT))
    if isinstance(node, Conclusion):
        level = f" {node.level.value}" if node.level else ""
        text += f"<br/>({node.outcome.value}{level})"
    elif isinstance(node, Escalation):
        text = "<br/>".join(mermaid_text(part)
                            for part in escalation_label(node, LABEL_LIMIT).split("\n"))
    for finding in findings:
        text += f"<br/>⚠ {mermaid_text(finding)}"
    return text


def _shape(node: AnyNode, label: str) -> str:
    if isinstance(node, Question):
        return f'{{"{label}"}}'
    if isinstance(node, Action):
        return f'["{label}"]'
    if isinstance(node, Conclusion):
        return f'(["{label}"])'
    return f'{{{{"{label}"}}}}'


def _kind_class(node: AnyNode) -> str:
    if isinstance(node, Conclusion):
        return node.outcome.value
    return node.kind


def _arrow(edge: Edge) -> str:
    arrow = "-.->" if edge.kind in ("not-fixed", "continue") else "-->"
    if edge.label is None:
        return arrow
    return f'{arrow}|"{mermaid_text(shorten(edge.label, EDGE_LIMIT))}"|'
