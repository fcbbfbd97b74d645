"""One node of a tree as a runbook section: a step, a conclusion or an escalation.

Nodes are numbered by walk order: questions and actions are `Step n`,
conclusions `Tn`, escalations `En`. Every node section starts with an anchor
named after the node id, so other runbooks can link to `file.md#node-id`.
"""

from __future__ import annotations

from dectree.model.tree import (
    Action,
    Command,
    Conclusion,
    Escalation,
    Question,
    Reference,
    unescape,
)
from dectree.render.outline import Edge, Outline, name
from dectree.text.escape import (
    md_cell,
    md_code,
    md_code_block,
    md_inline,
    md_labelled,
    md_link,
    md_quote,
)

OUTCOME_WORDS = {"resolved": "Resolved", "workaround": "Workaround", "escalate": "Escalate"}


class NodeWriter:
    """Numbering, cross-references and the sections of single nodes."""

    def __init__(self, plan: Outline) -> None:
        self.plan = plan
        self.tree = plan.tree
        kinds = [(n, self.tree.nodes[n]) for n in plan.order]
        self.steps = [n for n, node in kinds if isinstance(node, (Question, Action))]
        self.conclusions = [n for n, node in kinds if isinstance(node, Conclusion)]
        self.escalations = [n for n, node in kinds if isinstance(node, Escalation)]
        self.numbers = {n: f"Step {i}" for i, n in enumerate(self.steps, 1)}
        self.numbers.update({n: f"T{i}" for i, n in enumerate(self.conclusions, 1)})
        self.numbers.update({n: f"E{i}" for i, n in enumerate(self.escalations, 1)})

    def step(self, node_id: str) -> list[str]:
        """A question or an action: prompt, commands, and where each answer leads."""
        node = self.tree.nodes[node_id]
        assert isinstance(node, (Question, Action))
        out = self.heading(node_id)
        label = "**Question:** " if isinstance(node, Question) else "**Do:** "
        out += [*md_labelled(label, node.prompt), ""]
        if node.detail:
            out += [*md_quote(node.detail), ""]
        for command in node.checks if isinstance(node, Question) else node.commands:
            out += _command(command)
        if isinstance(node, Action) and node.verify:
            out += [*md_labelled("**Verify:** ", node.verify), ""]
        edges = self.plan.edges_from(node_id)
        if isinstance(node, Question):
            out += ["| Answer | Go to |", "| --- | --- |"]
            out += [f"| {md_cell(e.label or '')} | {self.target(e, in_table=True)} |"
                    for e in edges]
            if not edges:
                out.append("| *(no answers)* | ⚠ dead end: this question leads nowhere |")
            out.append("")
        else:
            out += [*(f"**Then:** go to {self.target(e)}" for e in edges), ""]
        return out + self.node_refs(node.references)

    def conclusion(self, node_id: str) -> list[str]:
        """A conclusion: symptom, root cause, resolution with commands, verification."""
        node = self.tree.nodes[node_id]
        assert isinstance(node, Conclusion)
        out = self.heading(node_id)
        outcome = OUTCOME_WORDS[node.outcome.value]
        if node.level:
            outcome += f" to {node.level.value}"
        out += [f"**Outcome:** {outcome}", "", "**Symptom:**", ""]
        arrivals = self.plan.edges_to(node_id)
        out += [f"- You see {md_code(s)}" for s in node.symptoms]
        out += [f"- {self.arrival(e)}" for e in arrivals]
        if not node.symptoms and not arrivals:
            out.append("- Nothing in this runbook leads here.")
        out += ["", *md_labelled("**Root cause:** ", node.root_cause), ""]
        if node.detail:
            out += [*md_quote(node.detail), ""]
        out += ["**Resolution:**", ""]
        for i, step in enumerate(node.resolution, 1):
            marker = f"{i}. "
            indent = " " * len(marker)
            out += md_labelled(marker, step.do, indent)
            if step.run:
                out += ["", *(indent + line for line in md_code_block(unescape(step.run), "sh"))]
            out.append("")
        if not node.resolution:
            out += ["No resolution steps are recorded.", ""]
        out += [*md_labelled("**Verification:** ", node.verify or "Not recorded in the tree."), ""]
        for edge in self.plan.edges_from(node_id):
            out += [f"**If not fixed:** go to {self.target(edge)}", ""]
        return out + self.node_refs(node.references)

    def escalation(self, node_id: str) -> list[str]:
        """An escalation point: level and contact, reason, what to attach."""
        node = self.tree.nodes[node_id]
        assert isinstance(node, Escalation)
        out = self.heading(node_id, level="####")
        contact = self.tree.escalation.get(node.level)
        who = (f"{md_inline(contact.team)} via {md_inline(contact.channel)}" if contact
               else "⚠ no contact is set for this level")
        out += [f"**Escalate to {node.level.value}:** {who}.", "",
                *md_labelled("**Reason:** ", node.reason), ""]
        if node.attach:
            out += ["**Attach:**", "", *(f"- {md_inline(a)}" for a in node.attach), ""]
        for edge in self.plan.edges_from(node_id):
            out += [f"**Meanwhile:** go to {self.target(edge)}", ""]
        return out + self.node_refs(node.references)

    def heading(self, node_id: str, level: str = "###") -> list[str]:
        """Anchor and numbered heading of a node, with its findings flagged."""
        number = self.numbers[node_id]
        sep = ":" if number.startswith("Step") else "."
        node = self.tree.nodes[node_id]
        title = md_inline(name(node))
        if isinstance(node, Escalation) and node.title and \
                not node.title.lower().startswith("escalat"):
            title = f"Escalate to {node.level.value}: {title}"
        flags = "".join(f" ⚠ *{md_inline(f)}*" for f in self.plan.findings.get(node_id, []))
        # Both attributes: GitHub documents name=, other renderers (and HTML5) use id=.
        anchor = f'<a id="{node_id}" name="{node_id}"></a>'
        return [anchor, "", f"{level} {number}{sep} {title}{flags}", ""]

    def ref(self, node_id: str) -> str:
        """A link to a node's section, e.g. `[Step 2: Check DNS](#dns)`."""
        title = md_inline(name(self.tree.nodes[node_id], 60))
        return f"[{self.numbers[node_id]}: {title}](#{node_id})"

    def target(self, edge: Edge, *, in_table: bool = False) -> str:
        """Where an edge leads: a section here, another runbook, or a missing node."""
        if edge.missing:
            return f"⚠ missing node {md_code(edge.ref, in_table=in_table)}"
        if edge.local:
            return self.ref(edge.target_node)
        other = f"{edge.target_tree}-troubleshooting.md#{edge.target_node}"
        return (f"the [{md_inline(edge.target_tree)} runbook]({other}), at "
                f"{md_code(edge.target_node, in_table=in_table)}")

    def arrival(self, edge: Edge) -> str:
        """How the walk arrives over an edge, for a conclusion's symptom list."""
        source = self.ref(edge.source)
        if edge.kind == "choice" and edge.label is not None:
            return f"{source} answered “{md_inline(edge.label)}”"
        if edge.kind == "not-fixed":
            return f"{source} did not fix the problem"
        return f"after {source}"

    def node_refs(self, refs: list[Reference]) -> list[str]:
        """A node's references on one line."""
        if not refs:
            return []
        return ["References: " + "; ".join(md_link(r.title, r.url) for r in refs), ""]


def references(refs: list[Reference]) -> list[str]:
    """References as a bullet list."""
    return [f"- {md_link(r.title, r.url)}" for r in refs]


def _command(command: Command) -> list[str]:
    where = f" ({md_inline(command.where)})" if command.where else ""
    out = [f"Run{where}:", "", *md_code_block(unescape(command.run), "sh"), ""]
    if command.look_for:
        out += [*md_labelled("Look for: ", command.look_for), ""]
    return out
