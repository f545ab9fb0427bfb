from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import module_loss, nothing_inside
from iaclint.engine.check import Check, Context
from iaclint.core.model import Location, Category, Finding, Severity, StackDiff
from iaclint.core.facts import TerraformFacts


class ModuleCallRemoved(Check):
    """## What it does
    Flags a Terraform `module` block that was removed.

    ## Why is this bad?
    Everything the module created is destroyed. For a module whose source is a registry or git
    address, iaclint cannot see inside, so one deleted line may hide a database.

    ## Example
    ```hcl
    # module "db" { source = "terraform-aws-modules/rds/aws" ... }   <- deleted
    ```

    ## Use instead
    If its resources should survive outside Terraform:
    `removed { from = module.db  lifecycle { destroy = false } }`. A renamed module call is
    reported by IAC106 instead.
    """

    code = "IAC303"
    name = "module-call-removed"
    category = Category.DELETION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for before, after in diff.facts.module_calls_unseen if isinstance(diff.facts, TerraformFacts) else []:
            was = f"the local module {before.source}" if before.local_dir is not None else repr(before.source)
            version = f" version {after.meta['version']!r}" if isinstance(after.meta.get("version"), str) else ""
            yield self.finding(
                Location(after.address, after.path, after.pos),
                f"{after.address} now uses {after.source!r}{version} (was {was}), which iaclint cannot read: "
                f"what the change does inside the module is not checked",
                help="run `terraform plan` to see what the new module source changes; if it is the same module, "
                     "its resources keep their addresses",
                severity=Severity.NOTE,
            )
        for call in diff.facts.module_calls_removed if isinstance(diff.facts, TerraformFacts) else []:
            if nothing_inside(diff, call):
                continue
            anchor = Location(call.address, call.path, call.pos)
            inside, severity = module_loss(ctx, diff, call)
            if call.local_dir is None:
                what = f"everything it created (source {call.source!r}, not visible to iaclint) is destroyed"
            else:
                what = f"its resources are destroyed{inside}"
            yield self.finding(
                anchor,
                f"{call.address} is removed: {what}",
                help=f"to keep its resources, use `removed {{ from = {call.address}  lifecycle {{ destroy = false }} }}`",
                severity=severity,
                removed=True,
            )
