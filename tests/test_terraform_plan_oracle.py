"""Instance expansion, `moved`, `removed` and key changes judged by Terraform itself.

Each scenario applies a BEFORE configuration of `terraform_data` resources (the built-in
provider: no download, no network, no credentials), switches to AFTER and asks `terraform plan`
which instances it destroys. iaclint, reading the same two configurations, must claim exactly
those instances destroyed: no more (a false alarm), no fewer (a miss).

Skipped where the `terraform` binary is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import lint_trees

TERRAFORM = shutil.which("terraform")
pytestmark = [pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed"), pytest.mark.slow]

AZS = 'variable "azs" {\n  default = %s\n}\n\nresource "terraform_data" "subnet" {\n  count            = length(var.azs)\n  triggers_replace = var.azs[count.index]\n}\n'
TENANTS = '''variable "tenants" {
  default = [{ id = "t1", name = "alpha" }, { id = "t2", name = "beta" }]
}

resource "terraform_data" "tenant" {
  for_each         = { for t in var.tenants : t.%s => t }
  triggers_replace = each.value.name
}
'''
QUEUES = 'resource "terraform_data" "%s" {\n  triggers_replace = "jobs"\n}\n'
SCENARIOS = {
    "count list loses its first entry": (AZS % '["a", "b", "c"]', AZS % '["b", "c"]'),
    "count list reordered": (AZS % '["a", "b", "c"]', AZS % '["b", "a", "c"]'),
    "count list appended to": (AZS % '["a", "b"]', AZS % '["a", "b", "c"]'),
    "for_each re-keyed from name to id": (TENANTS % "name", TENANTS % "id"),
    "for_each value changed for one key": (TENANTS % "id", TENANTS.replace('name = "beta"', 'name = "gamma"') % "id"),
    "renamed without moved": (QUEUES % "old", QUEUES % "new"),
    "renamed with moved": (QUEUES % "old", QUEUES % "new" + 'moved {\n  from = terraform_data.old\n  to   = terraform_data.new\n}\n'),
    "removed without destroying": (QUEUES % "old", 'removed {\n  from = terraform_data.old\n  lifecycle {\n    destroy = false\n  }\n}\n'),
    "count to for_each without moved": (
        'resource "terraform_data" "q" {\n  count            = 2\n  triggers_replace = "q${count.index}"\n}\n',
        'resource "terraform_data" "q" {\n  for_each         = toset(["a", "b"])\n  triggers_replace = "q-${each.key}"\n}\n'),
}


def _terraform(cwd: Path, *args: str) -> str:
    env = dict(os.environ, TF_CLI_CONFIG_FILE=os.devnull, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    proc = subprocess.run([TERRAFORM, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _planned_destroys(tmp: Path, before: str, after: str) -> set[str]:
    work = tmp / "tf"
    work.mkdir()
    (work / "main.tf").write_text(before)
    _terraform(work, "init", "-input=false", "-no-color")
    _terraform(work, "apply", "-auto-approve", "-input=false", "-no-color")
    (work / "main.tf").write_text(after)
    _terraform(work, "plan", "-out=plan.bin", "-input=false", "-no-color")
    plan = json.loads(_terraform(work, "show", "-json", "plan.bin"))
    return {rc["address"] for rc in plan.get("resource_changes", []) if "delete" in rc["change"]["actions"]}


def _claimed_destroys(tmp: Path, before: str, after: str) -> set[str]:
    for side, text in (("b", before), ("a", after)):
        (tmp / side).mkdir()
        (tmp / side / "main.tf").write_text(text)
    out: set[str] = set()
    for f in lint_trees(tmp / "b", tmp / "a"):
        if f.severity.value == "note" or f.category.value == "parse-error":
            continue
        if f.rule in ("IAC101", "IAC304") and "instances" in f.extra:
            out |= {f.resource + key for key in f.extra["instances"]}
        elif f.rule == "IAC103":
            out.add(f.resources[0])
        elif f.rule == "IAC105":
            out.add(f.resource + "[*]")
        else:
            out.add(f.resource)
    return out


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_iaclint_claims_exactly_the_destruction_terraform_plans(tmp_path, scenario):
    before, after = SCENARIOS[scenario]
    planned = _planned_destroys(tmp_path, before, after)
    claimed = _claimed_destroys(tmp_path, before, after)
    # IAC105 names the whole resource ("every instance gets a new address"): compare by resource there
    if any(c.endswith("[*]") for c in claimed):
        claimed = {c[:-3] for c in claimed}
        planned = {p.split("[")[0] for p in planned}
    assert claimed == planned
