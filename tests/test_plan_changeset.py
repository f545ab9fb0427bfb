"""`iaclint plan` on CloudFormation change sets (`aws cloudformation describe-change-set`).

Fixtures under tests/data/plan/cloudformation/ follow the CloudFormation API reference
(ResourceChange, ResourceChangeDetail, ResourceTargetDefinition).
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli
from iaclint.knowledge.packs import Packs
from iaclint.plan import parse_plan

DATA = Path(__file__).resolve().parent / "data" / "plan"
CFN = DATA / "cloudformation"


def analyze(name: str, settings: dict | None = None):
    path = CFN / name
    return parse_plan(path.read_text(encoding="utf-8"), str(path), Packs(), settings or {})


def test_replacement_true_conditional_and_policy_actions():
    result = analyze("replace.json")
    assert result.kind == "cloudformation"
    by = {f.resource: f for f in result.findings}
    assert {(f.rule, f.resource) for f in result.findings} == {
        ("IAC101", "OrdersDb"),  # Replacement True, RequiresRecreation Always, ReplaceAndDelete
        ("IAC101", "AssetsBucket"),  # ReplaceAndRetain
        ("IAC102", "SessionsTable"),  # Replacement Conditional
        ("IAC101", "WorkerRole"),  # ReplaceAndSnapshot, no Details
    }
    assert by["OrdersDb"].extra["replace_paths"] == ["DBInstanceIdentifier"]
    assert "`DBInstanceIdentifier`" in by["OrdersDb"].message
    assert by["OrdersDb"].severity.value == "error"
    assert by["AssetsBucket"].severity.value == "warning"  # the old bucket is retained
    assert by["SessionsTable"].extra["replace_paths"] == ["KeySchema"]


def test_removals_by_policy_action():
    result = analyze("remove.json")
    got = {(f.rule, f.resource, f.severity.value) for f in result.findings}
    assert got == {
        ("IAC301", "EventsTable", "error"),  # PolicyAction Delete
        ("IAC301", "LogsBucket", "warning"),  # Retain
        ("IAC301", "ReportingCluster", "warning"),  # Snapshot
        ("IAC305", "EventsTable", "warning"),  # 5 removals
    }


def test_protection_and_deletion_policy_with_property_values():
    result = analyze("protection.json")
    assert {(f.rule, f.resource) for f in result.findings} == {("IAC201", "MainDb"), ("IAC209", "DataBucket")}


def test_silent_change_set():
    """Add, Import, Dynamic, Modify without replacement (guard kept on), one stateless Remove."""
    result = analyze("silent.json")
    assert result.findings == []
    assert {c.address: c.destroys for c in result.changes}["MacroTable"] is None  # Dynamic: no answer


def test_source_dir_finds_the_template():
    res = run_cli(["plan", CFN / "replace.json", "--source", DATA / "source" / "cloudformation", "--format", "json"])
    assert res.exit_code == 1, res.stderr
    by = {f["resource"]: f for f in json.loads(res.stdout)["findings"]}
    assert by["OrdersDb"]["path"].endswith("template.yaml") and by["OrdersDb"]["line"] == 10
    assert by["AssetsBucket"]["path"].endswith("template.yaml")
    assert by["WorkerRole"]["path"].endswith("replace.json")  # not in the template: the plan object
    assert all(f["source"] == "plan" for f in by.values())


def test_bad_change_set_is_one_line():
    res = run_cli(["plan", DATA / "bad" / "not_plan.json"])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1
