"""The evaluator against Terraform itself: every value iaclint says it knows must be the value
`terraform console` computes. Expressions are of the kinds public modules write (defaults,
fallbacks, maps reshaped with `for`, names built with `format` and templates).

Skipped where the `terraform` binary is absent. No provider and no network are needed: only
built-in functions and values.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from iaclint.inputs.trees import DirTree
from iaclint.languages.terraform.module import load_module

TERRAFORM = shutil.which("terraform")
pytestmark = pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed")

CONTEXT = '''
variable "name" {
  default = "orders"
}
variable "override" {
  default = null
}
variable "empty" {
  default = ""
}
variable "settings" {
  default = { zone = "a", size = 3, tags = { team = "x" }, enabled = true }
}
variable "subnets" {
  default = ["10.0.1.0/24", "10.0.2.0/24", ""]
}
variable "rules" {
  default = [{ port = 80, cidr = "0.0.0.0/0" }, { port = 443, cidr = "10.0.0.0/8" }]
}
variable "tenants" {
  default = [{ id = "t1", name = "alpha" }, { id = "t2", name = "beta" }]
}
locals {
  prefix = "${var.name}-prod"
  az     = ["us-east-1a", "us-east-1b"]
  merged = merge(var.settings.tags, { env = "prod" })
}
'''

EXPRESSIONS = [
    'var.name', '"${var.name}"', '"${var.name}-db"', 'local.prefix', 'var.override', 'var.empty',
    'coalesce(var.override, var.name)', 'coalesce(var.empty, "x")', 'coalesce(var.override, var.empty, "z")',
    'try(var.settings.missing, "fallback")', 'try(var.settings.zone, "fallback")', 'try(var.settings.missing, null)',
    'try(var.subnets[7], "none")', 'can(var.settings.zone)', 'can(var.settings.missing)',
    'lookup(var.settings, "zone", "c")', 'lookup(var.settings, "nope", "c")', 'lookup(var.settings.tags, "team")',
    'merge(var.settings.tags, { a = 1 })', 'merge({}, null, { b = "2" })', 'local.merged',
    'concat(local.az, ["us-east-1c"])', 'flatten([["a"], ["b", ["c"]]])', 'distinct(["a", "b", "a"])',
    'compact(var.subnets)', 'element(local.az, 0)', 'element(local.az, 3)', 'length(var.subnets)',
    'length(var.settings)', 'length("héllo")', 'keys(var.settings)', 'values(var.settings.tags)',
    'contains(local.az, "us-east-1b")', 'contains(local.az, "x")', 'join(",", local.az)', 'join("-", ["a"], ["b", "c"])',
    'split(",", "a,b,,c")', 'split(",", "")', 'format("%s-%s", var.name, "db")', 'format("%d", 7)', 'format("%s", true)',
    'format("100%%-%v", 3)', 'lower("ABC")', 'upper(var.name)', 'trimspace("  x \\n")', 'replace("a-b-c", "-", "_")',
    'jsonencode(var.settings)', 'jsonencode({ b = [1, 2.5], a = "<&>" })', 'zipmap(["a", "b"], [1, 2])',
    'one([])', 'one(["x"])', 'reverse(local.az)', 'cidrsubnet("10.0.0.0/16", 8, 3)', 'cidrsubnet("10.0.0.0/8", 4, 15)',
    'tostring(5)', 'tonumber("12")', 'tobool("true")', 'tolist(local.az)', 'toset(["b", "a", "b"])',
    'tomap({ a = "1" })', 'min(3, 1, 2)', 'max(3, 1.5)', 'var.rules[*].port', 'var.rules[1].cidr',
    'var.settings["zone"]', 'local.az[1]', '[for r in var.rules : r.port if r.port > 100]',
    '{ for t in var.tenants : t.id => t.name }', '{ for k, v in var.settings.tags : upper(k) => v }',
    '[for s in var.subnets : s if s != ""]', 'var.settings.enabled ? "on" : "off"', 'var.settings.size * 2 + 1',
    'var.override == null ? "default" : var.override', '!var.settings.enabled', 'var.settings.size >= 3 && true',
    'length([for s in var.subnets : s if s != ""]) > 0 ? 1 : 0', 'startswith(var.name, "ord")', 'trimprefix("prod-db", "prod-")',
    'trimsuffix("db.example.com", ".com")', 'endswith("abc", "bc")', '"${local.prefix}-${var.settings.zone}"',
    'lookup(var.settings.tags, "team", null)', 'coalescelist([], local.az)', 'try(var.tenants[0].name, "")',
    'try(var.tenants[5].name, "none")', 'upper(try(var.settings.region, "us"))',
]


def _ours(tmp: Path) -> dict[str, object]:
    body = "\n".join(f'    e{i} = try(jsonencode({e}), "FAILED")' for i, e in enumerate(EXPRESSIONS))
    (tmp / "main.tf").write_text(CONTEXT + f'resource "terraform_data" "t" {{\n  input = {{\n{body}\n  }}\n}}\n')
    module = load_module(DirTree(tmp), "")
    assert not module.problems, module.problems
    return module.resources["terraform_data.t"].body["input"]


def _terraform(tmp: Path) -> dict[str, str]:
    (tmp / "main.tf").write_text(CONTEXT)
    obj = ", ".join(f'e{i} = try(jsonencode({e}), "FAILED")' for i, e in enumerate(EXPRESSIONS))
    env = dict(os.environ, TF_CLI_CONFIG_FILE=os.devnull, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    proc = subprocess.run([TERRAFORM, "console"], input=f"jsonencode({{{obj}}})\n", cwd=tmp, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith('"')][-1]
    return json.loads(json.loads(line))


def test_every_value_iaclint_knows_is_the_value_terraform_computes(tmp_path):
    (tmp_path / "ours").mkdir()
    (tmp_path / "tf").mkdir()
    ours = _ours(tmp_path / "ours")
    theirs = _terraform(tmp_path / "tf")
    known = {k: v for k, v in ours.items() if isinstance(v, str)}
    wrong = {EXPRESSIONS[int(k[1:])]: (known[k], theirs[k]) for k in known if known[k] != theirs[k]}
    assert wrong == {}
    # and it knows most of them: these are the forms modules write every day
    unknown = [EXPRESSIONS[int(k[1:])] for k, v in ours.items() if not isinstance(v, str)]
    assert len(unknown) <= len(EXPRESSIONS) // 10, unknown
