from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import module_loss, nothing_inside
from iaclint.engine.check import Check, Context
from iaclint.core.model import Location, Category, Finding, Severity, StackDiff
from iaclint.core.facts import TerraformFacts
from iaclint.core.facts import PlanFacts
from iaclint.checks.planned import planned
from iaclint.core.addresses import module_of


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
        if isinstance(diff.facts, PlanFacts):
            yield from self._planned(diff.facts, ctx)
            return
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

    def _planned(self, facts: PlanFacts, ctx: Context) -> Iterator[Finding]:
        """Resources the plan destroys because their module block is gone, one finding per call."""
        by_module: dict[str, list[str]] = {}
        for p in facts.of("delete"):
            module = module_of(p.address) if p.reason == "delete_because_no_module" else ""
            if module:
                by_module.setdefault(module, []).append(p.address)
        for module, members in by_module.items():
            yield planned(self, facts, module, f"the plan destroys {len(members)} resource(s) of {module}: its module block was removed",
                          help="to keep them, restore the module block or use `removed { from = " + module +
                               " lifecycle { destroy = false } }`; if they must go, suppress with a reason",
                          resources=[module] + members, extra={"action_reason": "delete_because_no_module"})
