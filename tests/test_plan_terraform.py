"""`iaclint plan` on Terraform / OpenTofu plan JSON: every action and action_reason, bad input.

Fixtures under tests/data/plan/terraform/ are written by hand from Terraform's "JSON Output
Format" (format_version 1.2). Tests assert rule codes, resources and locations, not wording.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from iaclint.knowledge.packs import Packs
from iaclint.plan import PlanError, fmt_path, parse_plan, strip_keys

DATA = Path(__file__).resolve().parent / "data" / "plan"
TF = DATA / "terraform"


def analyze(name: str, settings: dict | None = None):
    path = TF / name
    return parse_plan(path.read_text(encoding="utf-8"), str(path), Packs(), settings or {})


def rules_on(result) -> set[tuple[str, str]]:
    return {(f.rule, f.resource) for f in result.findings}


def test_replacement_names_the_replace_paths_and_both_orders():
    result = analyze("replace.json")
    assert rules_on(result) == {
        ("IAC101", "aws_db_instance.orders"),  # ["delete","create"], replace_because_cannot_update
        ("IAC201", "aws_db_instance.orders"),  # deletion_protection true → false in the same plan
        ("IAC101", "aws_instance.web[0]"),  # ["create","delete"] (create_before_destroy)
        ("IAC101", "aws_launch_template.app"),  # no replace_paths, no action_reason
    }
    by = {(f.rule, f.resource): f for f in result.findings}
    assert by[("IAC101", "aws_db_instance.orders")].extra["replace_paths"] == ["engine"]
    assert by[("IAC101", "aws_instance.web[0]")].extra["replace_paths"] == ["ami", "ebs_block_device[0].volume_size"]
    assert "`engine`" in by[("IAC101", "aws_db_instance.orders")].message
    assert all(f.source == "plan" for f in result.findings)


def test_tainted_and_requested_replacements():
    result = analyze("tainted_and_requested.json")
    by = {f.resource: f for f in result.findings}
    assert set(by) == {"aws_instance.bastion", "aws_s3_bucket.assets"}
    assert by["aws_instance.bastion"].extra["action_reason"] == "replace_because_tainted"
    assert by["aws_instance.bastion"].severity.value == "warning"  # stateless
    assert by["aws_s3_bucket.assets"].extra["action_reason"] == "replace_by_request"
    assert by["aws_s3_bucket.assets"].severity.value == "error"  # holds data


def test_every_delete_reason():
    result = analyze("deletes.json")
    assert rules_on(result) == {
        ("IAC301", "aws_s3_bucket.logs"),  # delete_because_no_resource_config
        ("IAC301", "aws_db_instance.legacy"),
        ("IAC301", 'aws_dynamodb_table.tenant["acme"]'),  # delete_because_each_key, stateful
        ("IAC304", "aws_instance.worker"),  # delete_because_count_index, stateless
        ("IAC301", "module.db.aws_db_instance.this"),  # delete_because_no_module
        ("IAC303", "module.db"),
        ("IAC305", "aws_s3_bucket.logs"),  # 6 deletes ≥ 5
    }
    legacy = next(f for f in result.findings if f.resource == "aws_db_instance.legacy")
    assert "deletion_protection" in legacy.message  # the guard still on: the apply will stop
    module = next(f for f in result.findings if f.rule == "IAC303")
    assert set(module.resources) >= {"module.db.aws_db_instance.this", "module.db.aws_security_group.db"}


def test_iac301_help_gives_a_removed_block_that_terraform_accepts():
    by = {f.resource: f for f in analyze("deletes.json").findings if f.rule == "IAC301"}
    assert "`removed { from = aws_s3_bucket.logs  lifecycle { destroy = false } }`" in by["aws_s3_bucket.logs"].help
    assert "removed { from = module.db  lifecycle" in by["module.db.aws_db_instance.this"].help
    # one instance of many is kept by its key: `removed` takes no instance keys
    tenant = by['aws_dynamodb_table.tenant["acme"]'].help
    assert "removed {" not in tenant and "key" in tenant
    for f in by.values():
        assert "removed { lifecycle" not in f.help


def test_broad_deletion_threshold_from_settings():
    assert "IAC305" not in {f.rule for f in analyze("deletes.json", {"broad_deletion_threshold": 7}).findings}


def test_protection_flags_in_updates():
    result = analyze("protection.json")
    by = {(f.rule, f.resource): f for f in result.findings}
    assert set(by) == {("IAC201", "aws_db_instance.main"), ("IAC203", "aws_s3_bucket.data"), ("IAC201", "aws_lb.public")}
    assert by[("IAC201", "aws_lb.public")].severity.value == "warning"  # known after apply


def test_silent_plan():
    """update keeping the guard, no-op, move (previous_address), create, read, forget, import,
    and one stateless delete: nothing to report."""
    result = analyze("silent.json")
    assert result.findings == []
    actions = {c.address: c.action for c in result.changes}
    assert actions["aws_dynamodb_table.sessions"] == "forget"
    assert actions["aws_s3_bucket.imported"] == "import"
    moved = next(c for c in result.changes if c.address == "aws_s3_bucket.archive")
    assert moved.previous == "aws_s3_bucket.old_archive" and moved.destroys is False


def test_findings_point_at_the_plan_object_without_source():
    result = analyze("replace.json")
    text = (TF / "replace.json").read_text().splitlines()
    from iaclint.plan.combine import SourceIndex, locate

    locate(result.findings, result, SourceIndex())
    for f in result.findings:
        assert f.path.endswith("replace.json")
        assert json.dumps(f.resource) in text[f.line - 1]


def test_source_dir_points_at_the_code_and_applies_suppressions():
    res = run_cli(["plan", TF / "replace.json", "--source", DATA / "source" / "terraform", "--format", "json"])
    assert res.exit_code == 1, res.stderr
    found = {(f["rule"], f["resource"]): f for f in json.loads(res.stdout)["findings"]}
    orders = found[("IAC101", "aws_db_instance.orders")]
    assert orders["path"].endswith("main.tf") and orders["line"] == 3  # the `engine` line
    assert orders["source"] == "plan"
    assert found[("IAC201", "aws_db_instance.orders")]["line"] == 6
    assert ("IAC101", "aws_instance.web[0]") not in found  # `# iaclint: allow IAC101 -- ...`
    assert found[("IAC101", "aws_launch_template.app")]["path"].endswith("replace.json")  # not in the code


def test_select_ignore_and_fail_on():
    res = run_cli(["plan", TF / "deletes.json", "--select", "IAC305", "--format", "json"])
    assert {f["rule"] for f in json.loads(res.stdout)["findings"]} == {"IAC305"}
    assert res.exit_code == 1
    res = run_cli(["plan", TF / "deletes.json", "--fail-on", "error", "--select", "IAC305"])
    assert res.exit_code == 0


def test_stdin(monkeypatch):
    import io
    import sys

    data = (TF / "protection.json").read_bytes()

    class In:
        buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", In())
    res = run_cli(["plan", "-", "--format", "json", "--source", DATA / "nowhere"])
    assert {f["rule"] for f in json.loads(res.stdout)["findings"]} == {"IAC201", "IAC203"}
    assert all(f["path"] == "-" for f in json.loads(res.stdout)["findings"])


def test_unknown_minor_version_is_read():
    result = analyze("../bad/future_minor.json")
    assert rules_on(result) == {("IAC301", "aws_sqs_queue.q")}


@pytest.mark.parametrize("name, fact", [
    ("truncated.json", "not valid JSON"),
    ("not_plan.json", "not a plan"),
    ("array.json", "not a plan"),
    ("state.json", "state"),
    ("future_major.json", "format_version 2.0"),
    ("binary.tfplan", "not UTF-8"),
    ("missing.json", "cannot read"),
])
def test_bad_input_is_one_line_and_exit_2(name, fact):
    res = run_cli(["plan", DATA / "bad" / name])
    assert res.exit_code == 2
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("iaclint: ") and fact in lines[0]
    assert "Traceback" not in res.stderr


def test_malformed_resource_change_is_an_input_error():
    doc = {"format_version": "1.2", "resource_changes": [{"address": "x.y", "change": {}}]}
    with pytest.raises(PlanError):
        parse_plan(json.dumps(doc), "p.json", Packs())


def test_address_helpers():
    assert strip_keys('module.a["x.]y"].aws_s3_bucket.b[0]') == "module.a.aws_s3_bucket.b"
    assert fmt_path(["ebs_block_device", 0, "volume_size"]) == "ebs_block_device[0].volume_size"
    assert fmt_path(["tags", "kubernetes.io/role"]) == 'tags["kubernetes.io/role"]'


def test_source_without_comments_is_located_by_a_line_scan(tmp_path):
    """Root files without `iaclint` comments or module calls are scanned, not parsed: same lines."""
    (tmp_path / "db.tf").write_text(
        '# orders\n\nresource "aws_db_instance" "orders" {\n  identifier = "orders"\n  tags = {\n    engine = "x"\n  }\n'
        '  engine     = "mysql"\n  deletion_protection = false\n}\n', encoding="utf-8")
    res = run_cli(["plan", TF / "replace.json", "--source", tmp_path, "--format", "json"])
    found = {(f["rule"], f["resource"]): f for f in json.loads(res.stdout)["findings"]}
    assert found[("IAC101", "aws_db_instance.orders")]["path"].endswith("db.tf")
    assert found[("IAC101", "aws_db_instance.orders")]["line"] == 8  # `engine`, not the nested tag
    assert found[("IAC201", "aws_db_instance.orders")]["line"] == 9
    assert found[("IAC101", "aws_instance.web[0]")]["path"].endswith("replace.json")
