"""`resource_drift` in Terraform plan JSON: what the apply reverts or re-creates of the changes
made outside Terraform (IAC501). Attribute paths are named; values never are.

tests/data/plan/terraform/drift.json is written by hand from Terraform's "JSON Output Format"
(format_version 1.2): each drifted resource beside what the apply does to it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write
from iaclint.knowledge.packs import Packs
from iaclint.plan import parse_plan

TF = Path(__file__).resolve().parent / "data" / "plan" / "terraform"
DRIFT = TF / "drift.json"


def analyze(text: str | None = None):
    return parse_plan(text if text is not None else DRIFT.read_text(encoding="utf-8"), str(DRIFT), Packs(), {})


def test_drift_the_apply_reverts_or_recreates_is_a_warning():
    result = analyze()
    by = {f.resource: f for f in result.findings if f.rule == "IAC501"}
    assert set(by) == {
        "aws_security_group.web",  # an ingress rule opened by hand, closed again by the apply
        "aws_db_instance.reports",  # deleted by hand, created again (empty) by the apply
        "aws_ssm_parameter.token",  # a sensitive value rotated by hand, written back
        "aws_lambda_function.fn",  # the apply's value is known only after apply: it still changes it
    }
    # not: aws_instance.app (no-op: the configuration accepts the drift), aws_s3_bucket.tmp (the
    # apply changes another attribute), aws_iam_role.gone (deleted, and gone from the configuration
    # too), data.aws_ami.base (a data source)
    assert all(f.severity.value == "warning" and f.category.value == "drift" and f.source == "plan"
               for f in by.values())
    assert by["aws_security_group.web"].extra["drift_paths"] == ["ingress[0].cidr_blocks[0]"]
    assert "tags" not in by["aws_security_group.web"].message  # drifted, but the apply keeps it
    assert by["aws_ssm_parameter.token"].extra["drift_paths"] == ["value"]
    assert by["aws_db_instance.reports"].extra["drift"] == "deleted"
    assert "data" in by["aws_db_instance.reports"].message  # a database comes back empty


def test_drifted_values_are_never_printed(tmp_path):
    for fmt in ("text", "json", "sarif", "markdown", "agent", "github", "gitlab"):
        result = run_cli(["plan", DRIFT, "--format", fmt], cwd=tmp_path)
        assert result.exit_code == 1, result.output
        for value in ("SECRET", "0.0.0.0/0", "10.0.0.0/8", "oncall", "t3.large", "zzz"):
            assert value not in result.stdout, (fmt, value)


def test_the_reader_keeps_paths_and_the_apply_action_not_values():
    result = analyze()
    drift = {d.address: d for d in result.facts.drift}
    assert "data.aws_ami.base" not in drift
    assert drift["aws_instance.app"].planned_action == "no-op"
    assert drift["aws_iam_role.gone"].deleted and drift["aws_iam_role.gone"].planned_action is None
    assert drift["aws_s3_bucket.tmp"].paths == [["tags", "CostCenter"]]
    assert drift["aws_ssm_parameter.token"].paths == [["value"]]  # inside a sensitive value: not looked at
    assert {"hunter2-SECRET-drifted-db", "tok-SECRET-old", "tok-SECRET-rotated-by-hand"} <= result.secrets
    assert not any(isinstance(v, str) and "SECRET" in v for d in result.facts.drift for p in d.paths for v in p)


def test_a_sensitive_map_is_one_path_its_keys_are_not_named():
    doc = json.loads(DRIFT.read_text(encoding="utf-8"))
    sg = doc["resource_drift"][0]["change"]
    sg["before_sensitive"] = sg["after_sensitive"] = {"ingress": True}
    result = analyze(json.dumps(doc))
    (f,) = [f for f in result.findings if f.resource == "aws_security_group.web"]
    assert f.extra["drift_paths"] == ["ingress"]


def test_no_drift_no_finding_and_bad_drift_is_an_error():
    doc = json.loads(DRIFT.read_text(encoding="utf-8"))
    doc.pop("resource_drift")
    assert not [f for f in analyze(json.dumps(doc)).findings if f.rule == "IAC501"]
    from iaclint.plan import PlanError

    doc["resource_drift"] = {"not": "a list"}
    with pytest.raises(PlanError, match="resource_drift"):
        analyze(json.dumps(doc))
    doc["resource_drift"] = [{"address": "x.y"}]
    with pytest.raises(PlanError, match=r"resource_drift\[0\]"):
        analyze(json.dumps(doc))


def test_findings_point_at_the_configuration_and_can_be_suppressed(tmp_path):
    write(tmp_path / "infra", {
        "main.tf": '''
            resource "aws_security_group" "web" {
              name = "web"
            }

            # iaclint: allow drift-reverted -- the hand-made change is being rolled back on purpose (INC-7)
            resource "aws_lambda_function" "fn" {
              function_name = "fn"
            }
        ''',
    })
    result = run_cli(["plan", DRIFT, "--source", tmp_path / "infra", "--format", "json"], cwd=tmp_path)
    findings = {f["resource"]: f for f in json.loads(result.stdout)["findings"]}
    assert findings["aws_security_group.web"]["path"] == "infra/main.tf" and findings["aws_security_group.web"]["line"] == 1
    assert "aws_lambda_function.fn" not in findings


def test_diff_with_a_plan_adds_drift_without_calling_it_a_disagreement(tmp_path):
    write(tmp_path / "before", {"main.tf": 'resource "aws_security_group" "web" {\n  name = "web"\n}\n'})
    write(tmp_path / "after", {"main.tf": 'resource "aws_security_group" "web" {\n  name = "web"\n}\n# touched\n'})
    result = run_cli(["diff", tmp_path / "before", tmp_path / "after", "--plan", DRIFT, "--format", "json",
                      "--explain-disagreements"], cwd=tmp_path)
    rules = {(f["rule"], f["resource"]) for f in json.loads(result.stdout)["findings"]}
    assert ("IAC501", "aws_security_group.web") in rules
    assert "IAC501" not in result.stderr  # static analysis cannot see drift: it did not miss it
