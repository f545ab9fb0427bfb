"""The blast-radius graph (#18 item 4): Mermaid in the Markdown report, DOT with `--format dot`.

Checked three ways: snapshots of a real cascade (tests/output/snapshots/blast.mmd, blast.dot;
`UPDATE_SNAPSHOTS=1` rewrites them), a structural parser for Mermaid written here (GitHub's
renderer is not available offline), and Graphviz itself for DOT (`dot -Tjson`), skipped where
`dot` is not installed (Debian: `apt-get install graphviz`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli
from helpers import lint_trees

from iaclint.core.model import Category, Finding, Severity
from iaclint.output import Report, get_formatter
from iaclint.output.blast_graph import MAX_NODES, build, dot, markdown_section, mermaid
from iaclint.output.markdown import COMMENT_LIMIT

CASES = Path(__file__).parent / "cases"
SNAPSHOTS = Path(__file__).parent / "output" / "snapshots"
VPC_CASE = CASES / "IAC107" / "vpc-cidr-replaces-subnets-and-db"
CFN_CASE = CASES / "IAC107" / "cfn-vpc-replaces-subnet-and-instance"
DOT = shutil.which("dot")
needs_graphviz = pytest.mark.skipif(DOT is None, reason="Graphviz `dot` is not installed (apt-get install graphviz)")


# ------------------------------------------------------------------ a Mermaid flowchart parser

_NODE = re.compile(r'^(?P<id>[A-Za-z][\w]*)(?P<open>\[\("|\[")(?P<label>[^"]*)(?P<close>"\)\]|"\])(?::::(?P<cls>\w+))?$')
_EDGE = re.compile(r'^(?P<a>[A-Za-z][\w]*) (?:-->\|"(?P<label>[^"]*)"\||-\.->) (?P<b>[A-Za-z][\w]*)$')
_SUBGRAPH = re.compile(r'^subgraph (?P<id>[A-Za-z][\w]*)\["(?P<label>[^"]*)"\]$')
_CLASSDEF = re.compile(r"^classDef (?P<name>\w+) [\w#:;,. -]+$")


def parse_mermaid(text: str) -> dict:
    """Every line is a header, a node, an edge, a subgraph bracket or a classDef; edges join
    declared nodes; subgraphs balance; a label holds no raw quote (Mermaid would end it there)."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR", lines[0]
    nodes: dict[str, dict] = {}
    edges, classes, used_classes = [], set(), set()
    stack: list[str] = []
    groups: dict[str, list[str]] = {}
    for raw in lines[1:]:
        line = raw.strip()
        if m := _SUBGRAPH.match(line):
            assert not stack, "subgraphs are not nested"
            stack.append(m["id"])
            groups[m["label"]] = []
            continue
        if line == "end":
            assert stack, "`end` without a subgraph"
            stack.pop()
            continue
        if m := _NODE.match(line):
            assert m["id"] not in nodes, f"node {m['id']} declared twice"
            assert (m["open"], m["close"]) in (('[("', '")]'), ('["', '"]'))
            nodes[m["id"]] = {"label": m["label"], "cylinder": m["open"] == '[("', "class": m["cls"]}
            if stack:
                groups[list(groups)[-1]].append(m["id"])
            if m["cls"]:
                used_classes.add(m["cls"])
            continue
        if m := _EDGE.match(line):
            edges.append((m["a"], m["b"], m["label"]))
            continue
        if m := _CLASSDEF.match(line):
            classes.add(m["name"])
            continue
        raise AssertionError(f"not a Mermaid flowchart line: {raw!r}")
    assert not stack, "a subgraph is not closed"
    for a, b, _ in edges:
        assert a in nodes and b in nodes, f"edge {a} → {b} joins an undeclared node"
    assert used_classes <= classes, used_classes - classes
    return {"nodes": nodes, "edges": edges, "groups": groups}


def mermaid_block(markdown: str) -> str:
    blocks = re.findall(r"```mermaid\n(.*?)\n```", markdown, re.S)
    assert len(blocks) == 1, markdown
    return blocks[0]


def graphviz_json(text: str) -> dict:
    proc = subprocess.run([DOT, "-Tjson"], input=text, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "Error" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


def _labels(doc: dict) -> list[str]:
    return [o["label"] for o in doc.get("objects", []) if "nodes" not in o]  # clusters carry `nodes`


# ------------------------------------------------------------------ real cascades


def test_snapshots_of_a_real_cascade():
    findings = lint_trees(VPC_CASE / "before", VPC_CASE / "after")
    graph = build(findings)
    got = {"blast.mmd": mermaid(graph), "blast.dot": dot(graph)}
    for name, text in got.items():
        path = SNAPSHOTS / name
        if os.environ.get("UPDATE_SNAPSHOTS") == "1":
            path.write_text(text + "\n", encoding="utf-8", newline="\n")
        assert path.read_text(encoding="utf-8") == text + "\n", f"{path} differs; UPDATE_SNAPSHOTS=1 rewrites it"


def test_the_markdown_report_draws_what_is_destroyed_because_of_what():
    findings = lint_trees(VPC_CASE / "before", VPC_CASE / "after")
    text = get_formatter("markdown")(Report(findings, {"files": 1}))
    assert "### Blast radius" in text
    parsed = parse_mermaid(mermaid_block(text))
    by_label = {n["label"].split("<br/>")[0]: (i, n) for i, n in parsed["nodes"].items()}
    assert set(by_label) == {"aws_vpc.main", "aws_subnet.a", "aws_security_group.db", "aws_instance.web",
                             "aws_db_instance.orders"}
    vpc, db, subnet = by_label["aws_vpc.main"], by_label["aws_db_instance.orders"], by_label["aws_subnet.a"]
    assert vpc[1]["class"] == "root" and "replaced" in vpc[1]["label"]
    assert db[1]["cylinder"] and "stateful" in db[1]["label"]  # stateful resources are marked
    assert not subnet[1]["cylinder"]
    assert (subnet[0], db[0], "availability_zone") in parsed["edges"]
    assert (vpc[0], subnet[0], "vpc_id") in parsed["edges"]
    # the section is appended: the tables and the summary line come first, as before
    assert text.index("iaclint: ") < text.index("### Blast radius")


@needs_graphviz
def test_dot_of_a_real_cascade_is_valid_graphviz():
    findings = lint_trees(CFN_CASE / "before", CFN_CASE / "after")
    doc = graphviz_json(dot(build(findings)))
    labels = _labels(doc)
    assert any(label.startswith("Vpc") or "VPC" in label for label in labels), labels
    assert len(doc.get("edges", [])) == len(labels) - 1  # one edge into each destroyed dependent


def test_format_dot_from_the_command_line(tmp_path):
    result = run_cli(["diff", VPC_CASE / "before", VPC_CASE / "after", "--format", "dot", "--no-cache"])
    assert result.exit_code == 1 and result.stdout.startswith("digraph blast_radius {")
    clean = run_cli(["diff", VPC_CASE / "before", VPC_CASE / "before", "--format", "dot", "--no-cache"])
    assert clean.exit_code == 0 and "no replacement cascades" in clean.stdout
    if DOT:
        graphviz_json(clean.stdout)
        graphviz_json(result.stdout)


def test_no_cascade_no_section():
    finding = Finding("IAC101", "force-new-attribute-changed", Category.REPLACEMENT, Severity.ERROR, "main.tf", 2,
                      "replaced", resource="aws_vpc.main")
    text = get_formatter("markdown")(Report([finding], {"files": 1}))
    assert "mermaid" not in text and "Blast radius" not in text
    assert markdown_section([finding]) == "" and build([finding]) is None


# ------------------------------------------------------------------ large and odd graphs


def _cascade(root: str, edges: list[tuple[str, str, str]], stateful=(), modules=None, stack="infra",
             deleted=False) -> Finding:
    deps = sorted({d for _, d, _ in edges})
    return Finding(
        "IAC107", "replacement-cascade", Category.REPLACEMENT, Severity.ERROR, "main.tf", 1,
        f"replacing {root} destroys {len(deps) + 1} resources", resource=root,
        extra={"root": root, "dependents": deps, "stateful": sorted(stateful),
               "graph": {"stack": stack, "deleted": deleted, "root_stateful": False, "edges": edges,
                         "modules": modules or {}}},
    )


def _big(n_modules: int = 4, per_module: int = 20) -> Finding:
    """A VPC whose subnets sit in `n_modules` modules, each subnet with an instance and a database."""
    edges, modules, stateful = [], {"aws_vpc.main": ""}, []
    for m in range(n_modules):
        prefix = f"module.svc{m}."
        for i in range(per_module // 2):
            subnet, db = f"{prefix}aws_subnet.s{i}", f"{prefix}aws_db_instance.d{i}"
            edges += [("aws_vpc.main", subnet, "vpc_id"), (subnet, db, "db_subnet_group_name")]
            modules.update({subnet: prefix, db: prefix})
            stateful.append(db)
    return _cascade("aws_vpc.main", edges, stateful, modules)


def test_fifty_nodes_grouped_by_module_and_the_rest_counted():
    finding = _big()  # 81 resources: the VPC, 40 subnets, 40 databases
    graph = build([finding])
    assert len(graph.nodes) == MAX_NODES
    assert graph.hidden == 81 - MAX_NODES
    parsed = parse_mermaid(mermaid(graph))
    resources = [n for i, n in parsed["nodes"].items() if not i.endswith("_more")]
    mores = {i: n for i, n in parsed["nodes"].items() if i.endswith("_more")}
    assert len(resources) == MAX_NODES
    assert sum(int(re.search(r"and (\d+) more", n["label"])[1]) for n in mores.values()) == 81 - MAX_NODES
    # one subgraph per module; the root, in no module, outside them
    assert set(parsed["groups"]) == {f"module.svc{m}" for m in range(4)}
    assert all(len(members) > 0 for members in parsed["groups"].values())
    root = next(i for i, n in parsed["nodes"].items() if n["class"] == "root")
    assert all(root not in members for members in parsed["groups"].values())
    # nearest first: every subnet (depth 1) is drawn before any database (depth 2) is
    labels = [n["label"] for n in resources]
    assert sum("aws_subnet" in lb for lb in labels) == 40
    assert sum("aws_db_instance" in lb and "stateful" in lb for lb in labels) == 9
    # a cut resource is counted on the drawn resource it hangs from, with a dashed edge to the count
    for more_id in mores:
        assert any(a + "_more" == more_id and b == more_id for a, b, _ in parsed["edges"])
    section = markdown_section([finding])
    assert "31 more resources not drawn" in section


@needs_graphviz
def test_fifty_nodes_in_dot_are_valid_graphviz_with_clusters():
    doc = graphviz_json(dot(build([_big()])))
    clusters = [o for o in doc["objects"] if "nodes" in o]
    assert sorted(c["label"] for c in clusters) == sorted(f"module.svc{m}" for m in range(4))
    nodes = [o for o in doc["objects"] if "nodes" not in o]
    assert sum(1 for o in nodes if "more" not in o["label"]) == MAX_NODES
    assert sum(1 for o in nodes if o.get("shape") == "cylinder") > 0


def test_many_roots_beyond_the_limit_are_counted_on_their_own():
    findings = [_cascade(f"aws_vpc.v{i}", [(f"aws_vpc.v{i}", f"aws_subnet.s{i}", "vpc_id")]) for i in range(60)]
    graph = build(findings)
    # 60 roots first, 50 drawn; their 60 subnets and the 10 other roots are counted
    assert len(graph.nodes) == MAX_NODES and graph.hidden == 70
    assert graph.more[""] == 20 and all(n.root for n in graph.nodes)
    parsed = parse_mermaid(mermaid(graph))
    assert "more_roots" in parsed["nodes"]
    if DOT:
        graphviz_json(dot(graph))


def test_awkward_addresses_are_escaped_for_both_languages():
    odd = 'aws_subnet.a["eu-west-1a"]'
    weird = 'module.x["a#b<c>&d"].aws_instance.web'
    finding = _cascade("aws_vpc.main", [("aws_vpc.main", odd, "vpc_id"), (odd, weird, "subnet_id")],
                       modules={odd: "", weird: 'module.x["a#b<c>&d"].'})
    parsed = parse_mermaid(mermaid(build([finding])))
    labels = [n["label"] for n in parsed["nodes"].values()]
    assert 'aws_subnet.a[#quot;eu-west-1a#quot;]' in labels
    assert any("#35;" in lb and "#lt;" in lb and "#amp;" in lb for lb in labels)
    if DOT:
        doc = graphviz_json(dot(build([finding])))
        assert odd in _labels(doc)


def test_several_stacks_are_kept_apart():
    a = _cascade("Vpc", [("Vpc", "Subnet", "VpcId")], stack="network.yaml")
    b = _cascade("Vpc", [("Vpc", "Subnet", "VpcId")], stack="other.yaml", deleted=True)
    graph = build([a, b])
    assert len(graph.nodes) == 4  # the same logical IDs in two templates are four resources
    parsed = parse_mermaid(mermaid(graph))
    assert set(parsed["groups"]) == {"network.yaml", "other.yaml"}
    assert any("deleted" in n["label"] for n in parsed["nodes"].values())


def test_the_comment_with_a_large_graph_stays_within_the_limit():
    finding = _big(n_modules=30, per_module=40)
    many = [finding] + [
        Finding("IAC101", "force-new-attribute-changed", Category.REPLACEMENT, Severity.ERROR, "main.tf", i,
                "x" * 400, resource=f"aws_subnet.s{i}") for i in range(400)
    ]
    text = get_formatter("markdown")(Report(many, {"files": 1}))
    assert len(text.encode("utf-8")) <= COMMENT_LIMIT
    parse_mermaid(mermaid_block(text))


def test_the_job_summary_carries_the_graph_too(tmp_path, monkeypatch):
    from iaclint.output.github import write_step_summary

    findings = lint_trees(VPC_CASE / "before", VPC_CASE / "after")
    summary = tmp_path / "summary.md"
    assert write_step_summary(Report(findings, {"files": 1}), str(summary)) is None
    parse_mermaid(mermaid_block(summary.read_text(encoding="utf-8")))


def test_a_graph_too_large_for_a_small_budget_is_left_out():
    from iaclint.output.markdown import with_graph

    text = with_graph(Report([_big()], {"files": 1}), 4096)
    assert len(text.encode("utf-8")) <= 4096 and "mermaid" not in text
