from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import severity_for, what_holds
from iaclint.engine.check import Check, Context
from iaclint.core.model import Category, ChangeKind, Finding, Severity, StackDiff


class ResourceTypeChanged(Check):
    """## What it does
    Flags a resource whose type changed while its name (or logical ID) stayed, such as
    `aws_alb.web` → `aws_lb.web` or `Type: AWS::SQS::Queue` → another type.

    ## Why is this bad?
    A different type is a different resource to the tool: the old one is destroyed and a new
    one created, even when the two types are aliases of each other.

    ## Example
    ```yaml
    Queue:
      Type: AWS::SNS::Topic   # was AWS::SQS::Queue
    ```

    ## Use instead
    Keep the type. Where the tool supports it, move state across types explicitly
    (Terraform `moved` between compatible types, `terraform state mv`, or import the existing
    object into the new type); otherwise create the new resource under a new name and migrate.
    """

    code = "IAC104"
    name = "resource-type-changed"
    category = Category.REPLACEMENT
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for change in diff.changes:
            if change.kind is not ChangeKind.RENAMED or change.before.type == change.after.type:
                continue
            old, new = change.before, change.after
            yield self.finding(
                old,
                f"{old.address} changes type from {old.type} to {new.type}: the old resource is destroyed "
                f"and a new one created{what_holds(ctx, old)}",
                help="keep the type, or move state explicitly (moved block between compatible types, "
                     "or import the existing object) before removing the old resource",
                severity=severity_for(ctx, old),
                pos=new.pos_of("@Type") if new.language == "cloudformation" else new.pos,
                path=new.path,
                resources=[old.address, new.address],
                replaces=new.address,
            )
