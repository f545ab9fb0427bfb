"""`iaclint diff … --plan FILE`: static findings confirmed, refuted or completed by the plan;
and the promise that a sensitive value never reaches any output format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from iaclint.output import FORMATTERS

DATA = Path(__file__).resolve().parent / "data" / "plan"
COMBINE = DATA / "combine"


def test_static_alone():
    res = run_cli(["diff", COMBINE / "before", COMBINE / "after", "--format", "json"])
    rules = {(f["rule"], f["resource"]) for f in json.loads(res.stdout)["findings"]}
    assert ("IAC101", "aws_sqs_queue.jobs") in rules and ("IAC301", "aws_s3_bucket.logs") in rules


def test_confirmed_refuted_and_missed():
    res = run_cli(["diff", COMBINE / "before", COMBINE / "after", "--plan", COMBINE / "plan.json", "--format", "json"])
    assert res.exit_code == 1
    found = {(f["rule"], f["resource"], f["source"]) for f in json.loads(res.stdout)["findings"]}
    assert ("IAC301", "aws_s3_bucket.logs", "static") in found  # confirmed: the plan deletes it
    assert not any(r == "aws_sqs_queue.jobs" for _, r, _ in found)  # refuted: the plan updates in place
    assert ("IAC101", "aws_instance.app", "plan") in found  # missed: tainted, only the plan knows
    tainted = next(f for f in json.loads(res.stdout)["findings"] if f["source"] == "plan")
    assert tainted["path"] == "main.tf"  # pointed at the code
    assert "refutes 1" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_explain_disagreements():
    res = run_cli(["diff", COMBINE / "before", COMBINE / "after", "--plan", COMBINE / "plan.json",
                   "--explain-disagreements", "--format", "json"])
    json.loads(res.stdout)  # the report stays parseable: the section goes to stderr
    assert "aws_sqs_queue.jobs" in res.stderr and "refuted" in res.stderr


def test_explain_needs_plan():
    res = run_cli(["diff", COMBINE / "before", COMBINE / "after", "--explain-disagreements"])
    assert res.exit_code == 2


def test_bad_plan_in_diff_is_one_line():
    res = run_cli(["diff", COMBINE / "before", COMBINE / "after", "--plan", DATA / "bad" / "truncated.json"])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


def test_change_set_does_not_judge_terraform_findings():
    res = run_cli(["diff", COMBINE / "before", COMBINE / "after", "--plan", DATA / "cloudformation" / "silent.json",
                   "--format", "json"])
    rules = {(f["rule"], f["resource"]) for f in json.loads(res.stdout)["findings"]}
    assert ("IAC101", "aws_sqs_queue.jobs") in rules


SECRETS = ("SECRET", "hunter2", "sk_live")


@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
@pytest.mark.parametrize("plan", ["terraform/sensitive.json", "cloudformation/sensitive.json"])
def test_sensitive_values_never_appear(fmt, plan, tmp_path):
    res = run_cli(["plan", DATA / plan, "--format", fmt, "--source", tmp_path])
    assert res.exit_code == 1, res.stderr
    assert res.stdout.strip()
    for secret in SECRETS:
        assert secret not in res.stdout and secret not in res.stderr, (fmt, secret)


@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
def test_sensitive_values_never_appear_in_diff_with_plan(fmt):
    res = run_cli(["diff", COMBINE / "before", COMBINE / "after", "--plan", DATA / "terraform" / "sensitive.json",
                   "--explain-disagreements", "--format", fmt])
    for secret in SECRETS:
        assert secret not in res.stdout and secret not in res.stderr, (fmt, secret)


def test_change_set_with_a_template_diff(tmp_path):
    template = (DATA / "source" / "cloudformation" / "template.yaml").read_text(encoding="utf-8")
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    (tmp_path / "after" / "template.yaml").write_text(template, encoding="utf-8")
    (tmp_path / "before" / "template.yaml").write_text(
        template.replace("orders-db-v2", "orders-db").replace("acme-assets-v2", "acme-assets"), encoding="utf-8")
    res = run_cli(["diff", tmp_path / "before", tmp_path / "after", "--plan", DATA / "cloudformation" / "replace.json",
                   "--format", "json"])
    found = {(f["rule"], f["resource"]): f for f in json.loads(res.stdout)["findings"]}
    assert found[("IAC101", "OrdersDb")]["source"] == "static"  # confirmed; the static one points at the code
    assert found[("IAC101", "AssetsBucket")]["source"] == "static"
    sessions = found[("IAC102", "SessionsTable")]  # unchanged in the template: only the change set knows
    assert sessions["source"] == "plan" and sessions["path"] == "template.yaml" and sessions["line"] == 27  # `KeySchema`
    assert found[("IAC101", "WorkerRole")]["path"].endswith("replace.json")  # not in the template


def test_a_rename_the_plan_destroys_is_one_finding_not_two():
    # IAC103 (renamed without `moved`) and the plan's IAC301 (destroyed) are one verdict on one
    # resource: one finding, the static one with the cause and the fix, confirmed by the plan
    rename = DATA / "rename"
    res = run_cli(["diff", rename / "before", rename / "after", "--plan", rename / "plan.json", "--format", "json"])
    findings = json.loads(res.stdout)["findings"]
    assert [(f["rule"], f["resource"], f["source"]) for f in findings] == [("IAC103", "aws_s3_bucket.old", "static")]
    assert "moved" in findings[0]["help"] and "removed" not in findings[0]["help"]


def test_a_louder_plan_verdict_replaces_the_static_one(tmp_path):
    # static: the bucket name comes from a variable iaclint cannot know, so "may replace" (a note);
    # the plan knows: it replaces the bucket. One finding: the plan's.
    for side, name in (("before", '"logs"'), ("after", "var.name")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "main.tf").write_text(f'variable "name" {{}}\nresource "aws_s3_bucket" "b" {{\n  bucket = {name}\n}}\n')
    plan = {"format_version": "1.2", "resource_changes": [{
        "address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
        "change": {"actions": ["delete", "create"], "before": {"bucket": "logs"}, "after": {"bucket": "logs-2"},
                   "replace_paths": [["bucket"]]}}]}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    static = run_cli(["diff", tmp_path / "before", tmp_path / "after", "--format", "json"])
    assert [(f["rule"], f["severity"]) for f in json.loads(static.stdout)["findings"]] == [("IAC101", "note")]
    res = run_cli(["diff", tmp_path / "before", tmp_path / "after", "--plan", tmp_path / "plan.json", "--format", "json"])
    found = [(f["rule"], f["severity"], f["source"]) for f in json.loads(res.stdout)["findings"]]
    assert found == [("IAC101", "error", "plan")]
