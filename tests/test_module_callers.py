"""A changed child module is judged through the root modules that call it, in every git mode."""

from __future__ import annotations

import subprocess

import pytest

from iaclint.pipeline import RunOptions, lint


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture()
def repo(tmp_path):
    (tmp_path / "modules/db").mkdir(parents=True)
    (tmp_path / "env/prod").mkdir(parents=True)
    (tmp_path / "env/prod/main.tf").write_text('module "db" {\n  source = "../../modules/db"\n  engine = "postgres"\n}\n')
    (tmp_path / "modules/db/main.tf").write_text(
        'variable "engine" {}\nresource "aws_db_instance" "this" {\n  engine = var.engine\n}\n')
    (tmp_path / "other.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.email=t@t", "-c", "user.name=t", "add", "-A")
    _git(tmp_path, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "base")
    # the child module changes: only the caller knows which engine is really set
    (tmp_path / "modules/db/main.tf").write_text(
        'variable "engine" {}\nresource "aws_db_instance" "this" {\n  engine = "mysql"\n}\n')
    _git(tmp_path, "add", "-A")
    return tmp_path


@pytest.mark.parametrize("mode", ["staged", "base"])
def test_child_module_change_is_reported_under_its_caller(repo, mode):
    opts = RunOptions(staged=True, cwd=str(repo)) if mode == "staged" else RunOptions(base="HEAD", cwd=str(repo))
    result = lint(opts)
    got = {(f.rule, f.resource) for f in result.findings}
    assert ("IAC101", "module.db.aws_db_instance.this") in got
