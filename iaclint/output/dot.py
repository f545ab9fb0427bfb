"""`--format dot`: the blast radius of the change's replacement cascades (IAC107) for Graphviz.

`iaclint diff ... --format dot | dot -Tsvg > blast.svg`. The same graph as the Markdown report's
Mermaid section (`output/blast_graph.py`); a change with no cascade gives an empty, valid graph.
Only the cascades are drawn: the other findings are in every other format.
"""

from __future__ import annotations

from iaclint.output import Report
from iaclint.output.blast_graph import build, dot
from iaclint.output.markdown import summary_line


def render(report: Report) -> str:
    # the counts as a DOT comment: whoever reads the graph alone still sees that other findings exist
    return dot(build(report.findings), comment=summary_line(report))
