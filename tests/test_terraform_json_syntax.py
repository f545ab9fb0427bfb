"""Terraform's JSON syntax (`*.tf.json`, `*.tofu.json`, `*.tfvars.json`) is read with the same
model as native syntax: the same resources, values and rules, positioned in the JSON file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iaclint.inputs.trees import DirTree
from iaclint.languages.terraform import hcl, json_syntax
from iaclint.languages.terraform.module import load_module
from tests.conftest import run_cli

TERRAFORM = shutil.which("terraform")

NATIVE = '''
variable "env" {
  type    = string
  default = "prod"
}
variable "azs" {
  type    = list(string)
  default = ["a", "b"]
}
locals {
  name = "${var.env}-orders"
}
resource "aws_db_instance" "orders" {
  identifier          = local.name
  engine              = "postgres"
  deletion_protection = true
  tags                = { Team = "data", "kubernetes.io/role" = "db" }
  depends_on          = [aws_s3_bucket.logs]
  lifecycle {
    prevent_destroy = true
    ignore_changes  = [tags["Team"]]
  }
}
resource "aws_s3_bucket" "logs" {
  bucket = format("%s-logs", var.env)
}
resource "aws_instance" "web" {
  count             = 2
  availability_zone = var.azs[count.index]
  root_block_device {
    encrypted = true
  }
  ebs_block_device {
    device_name = "/dev/sdb"
  }
  ebs_block_device {
    device_name = "/dev/sdc"
  }
}
module "app" {
  source = "./app"
  name   = "${local.name}-app"
}
moved {
  from = aws_s3_bucket.old
  to   = aws_s3_bucket.logs
}
'''

# The same module in JSON syntax, as CDK for Terraform or a hand would write it.
JSON = {
    "variable": {"env": {"type": "string", "default": "prod"}, "azs": {"type": "list(string)", "default": ["a", "b"]}},
    "locals": {"name": "${var.env}-orders"},
    "resource": {
        "aws_db_instance": {"orders": {
            "//": "iaclint: the orders database",
            "identifier": "${local.name}", "engine": "postgres", "deletion_protection": True,
            "tags": {"Team": "data", "kubernetes.io/role": "db"}, "depends_on": ["aws_s3_bucket.logs"],
            "lifecycle": {"prevent_destroy": True, "ignore_changes": ['tags["Team"]']},
        }},
        "aws_s3_bucket": {"logs": {"bucket": '${format("%s-logs", var.env)}'}},
        "aws_instance": {"web": {
            "count": 2, "availability_zone": "${var.azs[count.index]}",
            "root_block_device": {"encrypted": True},
            "ebs_block_device": [{"device_name": "/dev/sdb"}, {"device_name": "/dev/sdc"}],
        }},
    },
    "module": {"app": {"source": "./app", "name": "${local.name}-app"}},
    "moved": [{"from": "aws_s3_bucket.old", "to": "aws_s3_bucket.logs"}],
}
APP = 'variable "name" {}\nresource "aws_sqs_queue" "q" {\n  name = var.name\n}\n'


def _module(tmp: Path, files: dict[str, str]):
    for name, text in files.items():
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / name).write_text(text)
    module = load_module(DirTree(tmp), "")
    assert not module.problems, module.problems
    return module


def _shape(module) -> dict:
    return {a: (r.type, r.body, {k: v for k, v in r.meta.items() if k != "end_line"}) for a, r in module.resources.items()}


def test_json_syntax_gives_the_resources_native_syntax_gives(tmp_path):
    native = _module(tmp_path / "n", {"main.tf": NATIVE, "app/main.tf": APP})
    from_json = _module(tmp_path / "j", {"main.tf.json": json.dumps(JSON, indent=2), "app/main.tf": APP})
    assert _shape(from_json) == _shape(native)
    assert sorted(m[:2] for m in from_json.moved) == sorted(m[:2] for m in native.moved)
    assert {a: r.meta.get("depends_on") for a, r in from_json.resources.items()} == {a: r.meta.get("depends_on") for a, r in native.resources.items()}


def test_positions_are_the_json_file_lines(tmp_path):
    text = json.dumps(JSON, indent=2)
    module = _module(tmp_path, {"main.tf.json": text, "app/main.tf": APP})
    lines = text.splitlines()
    db = module.resources["aws_db_instance.orders"]
    assert lines[db.pos.line - 1].strip().startswith('"orders"')
    assert db.pos.path in (None, "main.tf.json") or db.pos.path.endswith("main.tf.json")
    engine = db.positions["engine"]
    assert lines[engine.line - 1][engine.column - 1:].startswith('"engine"')
    encrypted = module.resources["aws_instance.web[0]"].positions["root_block_device.encrypted"] \
        if "aws_instance.web[0]" in module.resources else module.resources["aws_instance.web"].positions["root_block_device.encrypted"]
    assert '"encrypted"' in lines[encrypted.line - 1]


def test_a_comment_property_is_a_comment(tmp_path):
    module = _module(tmp_path, {"main.tf.json": json.dumps(JSON, indent=2), "app/main.tf": APP})
    assert any("iaclint: the orders database" in text for _, text in module.comments["main.tf.json"])


@pytest.mark.parametrize("text, message", [
    ('{"resource": {', "invalid JSON"),
    ('["resource"]', "one JSON object"),
    ('{"resource": {"aws_s3_bucket": {"a": {"bucket": "x", "bucket": "y"}}}}', "duplicate"),
    ('{"resource": {"aws_s3_bucket": {"a": {"depends_on": ["not a reference!"]}}}}', "not a reference"),
    ('{"resource": {"aws_s3_bucket": {"a": {"bucket": "${var.x"}}}}', ""),
    ('{"resouce": {"aws_s3_bucket": {"a": {}}}}', "unsupported block type"),
])
def test_what_terraform_rejects_is_an_error_in_the_after_file(tmp_path, text, message):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "main.tf.json").write_text('{"resource": {"aws_s3_bucket": {"a": {"bucket": "x"}}}}')
    (tmp_path / "a" / "main.tf.json").write_text(text)
    result = run_cli(["diff", "b", "a", "--format", "json"], cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    broken = [f for f in findings if f["rule"] == "IAC001"]
    assert result.exit_code == 1 and broken and broken[0]["severity"] == "error", findings
    assert message in broken[0]["message"]


@pytest.mark.parametrize("name", ["main.tf.json", "main.tofu.json"])
def test_the_issue_example_is_read(tmp_path, name):
    before = {"resource": {
        "aws_db_instance": {"db": {"engine": "postgres", "deletion_protection": True}},
        "aws_dynamodb_table": {"carts": {"name": "carts", "hash_key": "id"}},
    }}
    after = {"resource": {"aws_db_instance": {"db": {"engine": "mysql", "deletion_protection": False}}}}
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / name).write_text(json.dumps(before, indent=2))
    (tmp_path / "a" / name).write_text(json.dumps(after, indent=2))
    result = run_cli(["diff", "b", "a", "--format", "json"], cwd=tmp_path)
    rules = sorted((f["rule"], f["severity"]) for f in json.loads(result.stdout)["findings"])
    assert rules == [("IAC101", "error"), ("IAC201", "error"), ("IAC301", "error")]


def test_a_tfvars_json_value_is_literal_and_reaches_the_resource(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    for side, engine in (("b", "postgres"), ("a", "mysql")):
        (tmp_path / side / "main.tf").write_text('variable "engine" {}\nresource "aws_db_instance" "db" {\n  engine = var.engine\n}\n')
        (tmp_path / side / "terraform.tfvars.json").write_text(json.dumps({"engine": engine}))
    result = run_cli(["diff", "b", "a", "--format", "json"], cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("IAC101", "error")]
    assert "mysql" in findings[0]["message"]


def test_an_override_in_json_is_merged_into_the_native_block(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    main = 'resource "aws_db_instance" "db" {\n  engine = "postgres"\n  instance_class = "db.t3.micro"\n}\n'
    for side in ("b", "a"):
        (tmp_path / side / "main.tf").write_text(main)
    (tmp_path / "a" / "override.tf.json").write_text(json.dumps({"resource": {"aws_db_instance": {"db": {"engine": "mysql"}}}}))
    result = run_cli(["diff", "b", "a", "--format", "json"], cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["path"]) for f in findings] == [("IAC101", "override.tf.json")]


def test_converting_a_module_from_native_to_json_changes_nothing(tmp_path):
    (tmp_path / "b" / "app").mkdir(parents=True)
    (tmp_path / "a" / "app").mkdir(parents=True)
    (tmp_path / "b" / "main.tf").write_text(NATIVE)
    (tmp_path / "a" / "main.tf.json").write_text(json.dumps(JSON, indent=1))
    for side in ("b", "a"):
        (tmp_path / side / "app" / "main.tf").write_text(APP)
    result = run_cli(["diff", "b", "a", "--format", "json"], cwd=tmp_path)
    assert json.loads(result.stdout)["findings"] == [] and result.exit_code == 0


def test_one_file_in_each_syntax_is_compared_as_one_module(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_db_instance" "db" {\n  engine = "postgres"\n}\n')
    (tmp_path / "same.tf.json").write_text('{"resource": {"aws_db_instance": {"db": {"engine": "postgres"}}}}')
    (tmp_path / "changed.tf.json").write_text('{"resource": {"aws_db_instance": {"db": {"engine": "mysql"}}}}')
    same = run_cli(["diff", "main.tf", "same.tf.json", "--format", "json"], cwd=tmp_path)
    assert same.exit_code == 0 and json.loads(same.stdout)["findings"] == []
    changed = run_cli(["diff", "main.tf", "changed.tf.json", "--format", "json"], cwd=tmp_path)
    assert [f["rule"] for f in json.loads(changed.stdout)["findings"]] == ["IAC101"]


# -- the writer's strings, against the evaluator and against Terraform ------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**9, 10**9) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _evaluate(native: str):
    parsed = hcl.parse(f"x = {native}\n".encode())
    assert not parsed.errors, (native, parsed.errors)
    return hcl.evaluate(parsed.top_attributes["x"].node)


@settings(max_examples=300, deadline=None)
@given(_json_values)
def test_a_literal_reads_back_as_the_same_value(value):
    assert _evaluate(json_syntax._literal(value)) == value


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30).filter(lambda s: "${" not in s and "%{" not in s))
def test_a_string_without_template_sequences_reads_back_unchanged(text):
    assert _evaluate(json_syntax._template(text)) == text


ORACLE_LOCALS = {
    "plain": "orders", "interp": "${var.env}-db", "escaped": "$${not_a_ref}", "percent": "%%{not}",
    "nested_quotes": '${format("%s-%s", var.env, "q")}', "quote_and_backslash": 'a "quoted" \\ value',
    "newline": "line\nnext\ttab", "unicode": "héllo ☃", "dollar": "$5 and 100%",
    "object": {"k": ["a", 1, True, None], "n": {"deep": "${var.env}"}}, "number": 1.5, "list": ["${var.env}", "x"],
    "inner_braces": '${jsonencode({a = "}"})}', "conditional": '${var.env == "prod" ? "big" : "small"}',
    "for_expr": '${[for s in ["a", "b"] : upper(s)]}', "bare_ref": "${var.tags}",
}


@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed")
def test_every_json_value_is_the_value_terraform_computes(tmp_path):
    config = {
        "variable": {"env": {"default": "pr${od}"}, "tags": {"default": {"a": "${b}"}}},
        "locals": ORACLE_LOCALS,
        "resource": {"terraform_data": {"t": {"input": {k: f"${{local.{k}}}" for k in ORACLE_LOCALS}}}},
    }
    (tmp_path / "main.tf.json").write_text(json.dumps(config, indent=2))
    module = load_module(DirTree(tmp_path), "")
    assert not module.problems, module.problems
    ours = module.resources["terraform_data.t"].body["input"]
    env = dict(os.environ, TF_CLI_CONFIG_FILE=os.devnull, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    obj = ", ".join(f"{k} = local.{k}" for k in ORACLE_LOCALS)
    proc = subprocess.run([TERRAFORM, "console"], input=f"jsonencode({{{obj}}})\n", cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    theirs = json.loads(json.loads([ln for ln in proc.stdout.splitlines() if ln.startswith('"')][-1]))
    known = {k: v for k, v in ours.items() if not _unknown(v)}
    assert len(known) >= len(ORACLE_LOCALS) - 2, ours  # only what the evaluator cannot model may be unknown
    for key, value in known.items():
        assert value == theirs[key], key


def _unknown(value) -> bool:
    from iaclint.checks.common import has_unknown

    return has_unknown(value)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["resource", "module", "variable", "locals", "moved", "terraform", "output", "x y", "//"]),
                       _json_values, max_size=4) | _json_values)
def test_any_json_document_is_read_or_reported_never_raises(document):
    parsed = json_syntax.parse(json.dumps(document, indent=1))
    for pos, message in parsed.errors:
        assert pos.line >= 1 and message


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_read_or_reported_never_raises(text):
    json_syntax.parse(text)
    json_syntax.parse(text, tfvars=True)


def test_opentofu_reads_the_tofu_json_instead_of_the_tf_json_of_the_same_name(tmp_path):
    from iaclint.languages.terraform.module import module_dirs

    for name in ("main.tf.json", "main.tofu.json", "other.tf.json", "main.tf"):
        (tmp_path / name).write_text("{}" if name.endswith(".json") else "")
    assert module_dirs(DirTree(tmp_path))[""] == ["main.tf", "main.tofu.json", "other.tf.json"]


@pytest.mark.parametrize("value", ["%%{", "$${", "%%%{", "%${x", "%%{ $${", {"%%{": None}])
def test_a_percent_or_dollar_before_an_escape_reads_back(value):
    # found by the fuzzer: tree-sitter-hcl misreads `"%%%{"`; the writer spells the first `%` as `${"%"}`
    # (terraform console: jsonencode(["${"%"}%%{"]) is ["%%{"])
    assert _evaluate(json_syntax._literal(value)) == value
