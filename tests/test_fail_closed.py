"""Inputs that used to pass silently (0 findings, exit 0) are now read or refused out loud."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli

QUEUE_TF = 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'
DB_TF = 'resource "aws_db_instance" "db" {\n  engine = "postgres"\n  instance_class = "db.t3.micro"\n}\n'


def test_comparing_files_of_different_kinds_is_a_usage_error(tmp_path):
    (tmp_path / "main.tf").write_text(QUEUE_TF)
    (tmp_path / "stack.yaml").write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    result = run_cli(["diff", "main.tf", "stack.yaml"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "cannot compare a Terraform file with a template" in result.stderr


@pytest.mark.parametrize("change", [
    {"address": "a.b", "type": "aws_s3_bucket", "change": {"actions": [{"a": 1}]}},
    {"address": "a.b", "type": ["aws_s3_bucket"], "change": {"actions": ["delete"]}},
    {"address": "a.b", "type": "aws_s3_bucket", "change": {"actions": ["explode"]}},
], ids=["action-object", "type-list", "unknown-action"])
def test_a_plan_with_the_wrong_shapes_is_not_a_plan(tmp_path, change):
    (tmp_path / "plan.json").write_text(json.dumps({"format_version": "1.2", "resource_changes": [change]}))
    result = run_cli(["plan", "plan.json"], cwd=tmp_path)
    assert result.exit_code == 2 and "not a plan" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_like_a_configuration_is_reported_not_waited_on(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "main.tf").write_text(QUEUE_TF)
    os.mkfifo(tmp_path / "a" / "main.tf")
    result = run_cli(["diff", "b", "a", "--format", "json"], cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("IAC001", "error")]
    assert "not a regular file" in findings[0]["message"]


@pytest.mark.slow
def test_a_tracked_folder_replaced_by_a_symlink_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text(DB_TF.replace("postgres", "secret-engine-from-outside"))
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    _git(repo, "init", "-q")
    (repo / "infra" / "main.tf").write_text(DB_TF)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "one")
    import shutil

    shutil.rmtree(repo / "infra")
    (repo / "infra").symlink_to(outside, target_is_directory=True)
    result = run_cli(["diff", "--base", "HEAD", "--format", "json"], cwd=repo)
    assert "secret-engine-from-outside" not in result.stdout + result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert any(f["rule"] == "IAC001" and "out of the compared tree" in f["message"] for f in findings), findings


def _git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env).stdout.decode()


@pytest.mark.slow
def test_a_shallow_clone_without_the_merge_base_is_a_clear_error(tmp_path):
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q", "-b", "main")
    (origin / "main.tf").write_text(QUEUE_TF)
    _git(origin, "add", "-A")
    _git(origin, "commit", "-qm", "one")
    (origin / "main.tf").write_text(QUEUE_TF + DB_TF)
    _git(origin, "commit", "-qam", "two")
    _git(origin, "checkout", "-q", "-b", "feature")
    (origin / "other.tf").write_text(QUEUE_TF.replace('"q"', '"r"'))
    _git(origin, "add", "-A")
    _git(origin, "commit", "-qm", "feature")
    _git(origin, "checkout", "-q", "main")
    (origin / "main.tf").write_text(DB_TF)
    _git(origin, "commit", "-qam", "main moves on")
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{origin}", str(clone))
    _git(clone, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    result = run_cli(["diff", "--base", "origin/main"], cwd=clone)
    assert result.exit_code == 2
    assert "no merge base" in result.stderr and "shallow" in result.stderr


def test_fix_write_never_writes_through_a_symlink(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "main.tf").write_text('resource "aws_sqs_queue" "old" {\n  name = "q"\n}\n')
    (tmp_path / "a" / "main.tf").write_text('resource "aws_sqs_queue" "new" {\n  name = "q"\n}\n')
    outside = tmp_path / "bashrc"
    outside.write_text("# mine\n")
    (tmp_path / "a" / "moved.tf").symlink_to(outside)
    result = run_cli(["fix", "--write", "b", "a"], cwd=tmp_path)
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert outside.read_text() == "# mine\n"


def test_moved_block_keys_are_written_as_inert_hcl_strings():
    from iaclint.checks.replacement.instance_keys_changed import hcl_string

    assert hcl_string('$(touch x)${var.a}%{if}"\\') == '"$(touch x)$${var.a}%%{if}\\"\\\\"'


def test_a_pack_outside_the_repository_is_refused_without_echoing_it(tmp_path):
    secret = tmp_path / "outside.yaml"
    secret.write_text("root: x:0:0:secret-hash\n")
    repo = tmp_path / "repo"
    (repo / "b").mkdir(parents=True)
    (repo / "a").mkdir()
    (repo / "b" / "main.tf").write_text(QUEUE_TF)
    (repo / "a" / "main.tf").write_text(QUEUE_TF)
    (repo / ".iaclint.toml").write_text(f'packs = ["{secret}"]\n')
    result = run_cli(["diff", "b", "a"], cwd=repo)
    assert result.exit_code == 2 and "outside" in result.stderr
    assert "secret-hash" not in result.output


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "markdown", "agent"])
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path, fmt):
    for side, engine in (("b", b"postgres"), ("a", b"mysql")):
        (tmp_path / side).mkdir()
        name = os.path.join(str(tmp_path / side).encode(), b"db\xff.tf")
        with open(name, "wb") as handle:
            handle.write(b'resource "aws_db_instance" "x" {\n  engine = "%s"\n  instance_class = "db.t3.micro"\n}\n' % engine)
    result = run_cli(["diff", "b", "a", "--format", fmt], cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output


def test_a_python_program_no_parser_can_read_loses_nothing_else(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "main.tf").write_text(DB_TF)
    (tmp_path / "a" / "main.tf").write_text(DB_TF.replace("postgres", "mysql"))
    (tmp_path / "a" / "app.py").write_text("import aws_cdk as cdk\nx = " + "(" * 100_000 + ")" * 100_000 + "\n")
    result = run_cli(["diff", "b", "a", "--format", "json"], cwd=tmp_path)
    rules = {(f["rule"], f["path"]) for f in json.loads(result.stdout)["findings"]}
    assert ("IAC101", "main.tf") in rules and ("IAC001", "app.py") in rules


@pytest.mark.slow
def test_mcp_check_change_reads_nothing_outside_its_root(git_repo):
    from iaclint.mcp_server import Confinement, check_change

    repo = git_repo
    module = 'variable "engine" {}\nresource "aws_db_instance" "db" {\n  engine = var.engine\n  instance_class = "db.t3.micro"\n}\n'
    caller = 'module "db" {\n  source = "../../modules/db"\n  engine = "outside-secret-engine"\n}\n'
    repo.commit({"modules/db/main.tf": module, "envs/prod/main.tf": caller})
    repo.write({"modules/db/main.tf": module.replace("engine = var.engine", "engine = \"${var.engine}-v2\"")})
    result = check_change(Confinement(repo.path / "modules" / "db"), "HEAD")
    text = json.dumps(result)
    assert "envs/prod" not in text and "outside-secret-engine" not in text


def test_a_lone_carriage_return_is_what_terraform_calls_an_invalid_character():
    # found by the fuzzer: a CRLF file cut after its last `\r`; `terraform fmt` rejects it
    from iaclint.languages.terraform import hcl

    assert hcl.parse(b'resource "a" "b" {\r\n  x = 1\r\n}\r').errors
    assert not hcl.parse(b'resource "a" "b" {\r\n  x = 1 # a \r in a comment is left alone\r\n}\r\n').errors


@pytest.mark.parametrize("text, rejected", [
    (b'x = {\n  a = 1\n  , b = 2\n}\n', True),  # found by the fuzzer; `terraform fmt`: "Expected the start of an expression"
    (b'x = { a = 1\n , }\n', True),
    (b'x = {\n  a = 1 # c\n  , b = 2\n}\n', True),
    (b'x = {\n  a = 1,\n  b = 2\n}\n', False),
    (b'x = [\n  1\n  , 2\n]\n', False),  # a tuple allows it
])
def test_a_comma_starting_a_line_in_an_object_is_what_terraform_rejects(text, rejected):
    from iaclint.languages.terraform import hcl

    assert bool(hcl.parse(text).errors) is rejected


@pytest.mark.parametrize("text, rejected", [
    (b'moved {\n  from = a.b[1]\n  to   = a.b["wa\n"]\n}\n', True),  # found by the fuzzer: the break before the quote
    (b'x = "a%{ if true }\nc%{ endif }"\n', True),
    (b'x = "wa\nzz"\n', True),
    (b'x = "a${max(\n1)}b"\n', False),  # an interpolation may span lines
    (b'x = <<EOT\na\nEOT\n', False),
])
def test_a_quoted_string_across_lines_is_what_terraform_rejects(text, rejected):
    from iaclint.languages.terraform import hcl

    assert bool(hcl.parse(text).errors) is rejected
