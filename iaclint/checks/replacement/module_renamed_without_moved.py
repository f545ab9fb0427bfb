from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import module_loss, moved_block, nothing_inside
from iaclint.engine.check import Check, Context
from iaclint.core.model import Location, Category, Finding, Severity, StackDiff
from iaclint.core.facts import TerraformFacts


class ModuleRenamedWithoutMoved(Check):
    """## What it does
    Flags a Terraform `module` block renamed (same source, same arguments, new name) without a
    `moved` block.

    ## Why is this bad?
    Every resource inside the module gets a new address (`module.db.*` → `module.database.*`), so
    every one of them is destroyed and re-created — databases included.

    ## Example
    ```hcl
    module "database" {   # was module "db"
      source = "./modules/rds"
    }
    ```

    ## Use instead
    ```hcl
    moved {
      from = module.db
      to   = module.database
    }
    ```
    """

    code = "IAC106"
    name = "module-renamed-without-moved"
    category = Category.REPLACEMENT
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for old, new in diff.facts.module_calls_renamed if isinstance(diff.facts, TerraformFacts) else []:
            if nothing_inside(diff, old):
                continue  # data sources and outputs only, or nothing with an instance: renaming it destroys nothing
            anchor = Location(old.address, new.path, new.pos)
            fix = moved_block(old.address, new.address)
            inside, severity = module_loss(ctx, diff, old)
            yield self.finding(
                anchor,
                f"{old.address} renamed to {new.address} without a `moved` block: every resource in the module "
                f"is destroyed and re-created{inside}",
                help=f"if it is the same module, add a `moved` block from {old.address} to {new.address}:",
                severity=severity,
                resources=[old.address, new.address],
                fix=fix,
            )
