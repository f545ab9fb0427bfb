"""The blast radius as a picture: what a change destroys, and because of what.

Drawn from the summary findings of IAC107 (replacement-cascade), whose `extra["graph"]` holds
the edges (referenced resource → the resource replaced with it, and the attribute that forces
it), the modules and which resources hold data. The same graph is written two ways: a Mermaid
`flowchart` for the Markdown report (GitHub renders it in a pull-request comment) and DOT for
Graphviz (`--format dot`).

Kept readable at 50 nodes: resources are grouped in one subgraph per module (and per stack when
the change has several), stateful resources are drawn as cylinders, and past `MAX_NODES` the
farthest resources are cut, each cut counted on the nearest drawn resource ("… and N more").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from iaclint.core.model import Finding

MAX_NODES = 50
CASCADE_RULE = "IAC107"


@dataclass
class Node:
    id: str
    stack: str
    address: str
    module: str
    stateful: bool = False
    root: str | None = None  # "replaced" | "deleted" for the resource the change itself destroys
    depth: int = 0


@dataclass
class Graph:
    nodes: list[Node]  # drawn, in drawing order
    edges: list[tuple[str, str, str]]  # (from id, to id, attribute)
    more: dict[str, int] = field(default_factory=dict)  # node id -> resources cut below it
    stacks: int = 1

    @property
    def hidden(self) -> int:
        return sum(self.more.values())

    def groups(self) -> list[tuple[str, list[Node]]]:
        """(label, nodes) per subgraph; label "" for the nodes drawn outside any subgraph."""
        order: dict[tuple[str, str], list[Node]] = {}
        for n in self.nodes:
            order.setdefault((n.stack, n.module) if self.stacks > 1 or n.module else ("", ""), []).append(n)
        out = []
        for (stack, module), nodes in order.items():
            label = " · ".join(p for p in (stack if self.stacks > 1 else "", module.rstrip(".")) if p)
            out.append((label, nodes))
        return sorted(out, key=lambda g: (g[0] != "", g[0]))


def build(findings: list[Finding], max_nodes: int = MAX_NODES) -> Graph | None:
    """The graph of every cascade the findings report, or None when nothing cascades."""
    nodes: dict[tuple[str, str], Node] = {}
    parents: dict[tuple[str, str], list[tuple[tuple[str, str], str]]] = {}
    summaries = [f for f in findings if f.rule == CASCADE_RULE and isinstance(f.extra.get("graph"), dict)]
    if not summaries:
        return None
    for f in summaries:
        g = f.extra["graph"]
        stack = str(g.get("stack", ""))
        modules = g.get("modules", {})
        stateful = set(f.extra.get("stateful", []))
        root = f.extra["root"]

        def node(address: str) -> Node:
            key = (stack, address)
            if key not in nodes:
                nodes[key] = Node("", stack, address, modules.get(address, ""), address in stateful)
            return nodes[key]

        r = node(root)
        r.root = "deleted" if g.get("deleted") else "replaced"
        r.stateful = r.stateful or bool(g.get("root_stateful"))
        for parent, dep, attr in g.get("edges", []):
            node(parent), node(dep)
            entry = ((stack, parent), attr)
            if entry not in parents.setdefault((stack, dep), []):
                parents[(stack, dep)].append(entry)
    _depths(nodes, parents)
    # nearest first; at one depth, what holds data first: a cut drops the far, stateless end
    ordered = sorted(nodes.items(), key=lambda kv: (kv[1].depth, not kv[1].stateful, kv[0]))
    kept = dict(ordered[:max_nodes])
    for i, (_, n) in enumerate(kept.items()):
        n.id = f"n{i}"
    more: dict[str, int] = {}
    for key, n in ordered[max_nodes:]:
        up = key
        while up is not None and up not in kept:
            # a root has no parent: more roots than fit are counted on their own ("" below)
            up = min(parents[up], key=lambda p: nodes[p[0]].depth)[0] if up in parents else None
        where = kept[up].id if up is not None else ""
        more[where] = more.get(where, 0) + 1
    edges = sorted({(kept[p].id, kept[d].id, attr) for d, ps in parents.items() if d in kept
                    for p, attr in ps if p in kept}, key=lambda e: (int(e[0][1:]), int(e[1][1:]), e[2]))
    return Graph(list(kept.values()), edges, more, len({n.stack for n in nodes.values()}))


def _depths(nodes: dict, parents: dict) -> None:
    """Each node's distance from the nearest destroyed root (breadth first)."""
    children: dict = {}
    for dep, ps in parents.items():
        for p, _ in ps:
            children.setdefault(p, []).append(dep)
    frontier = [k for k, n in nodes.items() if n.root is not None]
    seen = set(frontier)
    depth = 0
    while frontier:
        nxt = []
        for k in frontier:
            nodes[k].depth = depth
            for c in sorted(children.get(k, [])):
                if c not in seen:
                    seen.add(c)
                    nxt.append(c)
        frontier, depth = nxt, depth + 1


def _tag(n: Node) -> str:
    return ", ".join(t for t in (n.root, "stateful" if n.stateful else None) if t)


# ------------------------------------------------------------------ Mermaid


def _m(text: str) -> str:
    """Text safe inside a quoted Mermaid label: Mermaid's own `#code;` entities."""
    for ch, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("&", "#amp;")):
        text = text.replace(ch, code)
    return text


def _mermaid_node(n: Node) -> str:
    tag = _tag(n)
    label = _m(n.address) + (f"<br/><i>{_m(tag)}</i>" if tag else "")
    shape = ('[("', '")]') if n.stateful else ('["', '"]')
    cls = ":::root" if n.root else (":::stateful" if n.stateful else "")
    return f"{n.id}{shape[0]}{label}{shape[1]}{cls}"


def mermaid(graph: Graph) -> str:
    lines = ["flowchart LR"]
    for i, (label, nodes) in enumerate(graph.groups()):
        indent = "  "
        if label:
            lines.append(f'  subgraph g{i}["{_m(label)}"]')
            indent = "    "
        for n in nodes:
            lines.append(indent + _mermaid_node(n))
            if n.id in graph.more:
                lines.append(f'{indent}{n.id}_more["… and {graph.more[n.id]} more"]:::more')
        if label:
            lines.append("  end")
    if "" in graph.more:
        lines.append(f'  more_roots["… and {graph.more[""]} more destroyed by this change"]:::more')
    for a, b, attr in graph.edges:
        lines.append(f'  {a} -->|"{_m(attr)}"| {b}')
    for n_id in graph.more:
        if n_id:
            lines.append(f"  {n_id} -.-> {n_id}_more")
    lines += [
        "  classDef root stroke:#d73a49,stroke-width:3px",
        "  classDef stateful fill:#fff5b1,stroke:#b08800",
        "  classDef more stroke-dasharray:4 3",
    ]
    return "\n".join(lines)


def markdown_section(findings: list[Finding]) -> str:
    """The Markdown report's blast-radius section, or "" when nothing cascades."""
    graph = build(findings)
    if graph is None:
        return ""
    note = (f"\n\n_{graph.hidden} more resource{'s' if graph.hidden != 1 else ''} not drawn; "
            f"the {CASCADE_RULE} findings name every one._") if graph.hidden else ""
    return (
        "### Blast radius\n\n"
        "What this change destroys, and because of what: an arrow runs from a destroyed resource to one "
        "replaced with it, labelled with the attribute that forces it. Cylinders hold data.\n\n"
        f"```mermaid\n{mermaid(graph)}\n```" + note
    )


# ------------------------------------------------------------------ DOT


def _d(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_node(n: Node) -> str:
    tag = _tag(n)
    attrs = [f"label={_d(n.address + (chr(10) + tag if tag else ''))}"]
    if n.stateful:
        attrs += ["shape=cylinder", 'fillcolor="#fff5b1"', 'style=filled']
    if n.root:
        attrs += ['color="#d73a49"', "penwidth=3"]
    return f"{n.id} [{', '.join(attrs)}];"


def dot(graph: Graph | None, comment: str = "") -> str:
    lines = ["digraph blast_radius {", *([f"  // {' '.join(comment.split())}"] if comment else []), "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];',
             '  edge [fontname="Helvetica", fontsize=10];']
    if graph is None:
        lines.append(f'  label="iaclint: no replacement cascades ({CASCADE_RULE}) in this change";')
        return "\n".join(lines + ["}"])
    for i, (label, nodes) in enumerate(graph.groups()):
        indent = "  "
        if label:
            lines += [f"  subgraph cluster_{i} {{", f"    label={_d(label)};", '    style=rounded; color="#999999";']
            indent = "    "
        for n in nodes:
            lines.append(indent + _dot_node(n))
            if n.id in graph.more:
                lines.append(f'{indent}{n.id}_more [label={_d(f"… and {graph.more[n.id]} more")}, style=dashed];')
        if label:
            lines.append("  }")
    if "" in graph.more:
        n_more = graph.more[""]
        lines.append(f'  more_roots [label={_d(f"… and {n_more} more destroyed by this change")}, style=dashed];')
    for a, b, attr in graph.edges:
        lines.append(f"  {a} -> {b} [label={_d(attr)}];")
    for n_id in graph.more:
        if n_id:
            lines.append(f"  {n_id} -> {n_id}_more [style=dashed];")
    return "\n".join(lines + ["}"])
