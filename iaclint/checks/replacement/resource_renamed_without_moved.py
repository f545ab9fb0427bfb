from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import moved_block, severity_for, what_holds
from iaclint.engine.check import Check, Context
from iaclint.core.model import Category, ChangeKind, Finding, Severity, StackDiff


class ResourceRenamedWithoutMoved(Check):
    """## What it does
    Flags a resource whose address changed — renamed, or moved into or out of a module — with
    no `moved` block (Terraform), a changed logical ID (CloudFormation), a changed construct id
    (CDK) or a changed name without an alias (Pulumi).

    ## Why is this bad?
    The tool identifies a resource by its address. A new address with the same body reads like a
    harmless rename, but the plan is "destroy the old, create the new": data in it is lost and its
    identifiers change.

    ## Example
    ```hcl
    resource "aws_s3_bucket" "assets" { ... }   # was "static"
    ```

    ## Use instead
    Tell the tool it is the same resource:
    ```hcl
    moved {
      from = aws_s3_bucket.static
      to   = aws_s3_bucket.assets
    }
    ```
    For CloudFormation, keep the logical ID, or use stack refactoring
    (`aws cloudformation create-stack-refactor`) to rename it without replacement.
    """

    code = "IAC103"
    name = "resource-renamed-without-moved"
    category = Category.REPLACEMENT
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for change in diff.changes:
            if change.kind is not ChangeKind.RENAMED or change.before.type != change.after.type:
                continue
            old, new = change.before, change.after
            if new.language == "cloudformation":
                msg = (f"logical ID {old.address} renamed to {new.address}: CloudFormation deletes the old "
                       f"{old.type} and creates a new one{what_holds(ctx, old)}")
                help = (f"keep the logical ID {old.address}, or rename it with CloudFormation stack refactoring "
                        f"(no replacement); if a new resource is intended, set `DeletionPolicy: Retain` on the old one first")
                fix = None
            elif new.language == "cdk":
                msg = (f"logical ID {old.address} ({old.meta.get('construct_path')}) becomes {new.address} "
                       f"({new.meta.get('construct_path')}): CloudFormation deletes the old {old.type} and creates a "
                       f"new one{what_holds(ctx, old)}")
                help = (f"keep the construct id and scope, or pin the old ID: "
                        f"`<construct>.node.default_child.override_logical_id(\"{old.address}\")` "
                        f"(or use CDK's refactor support)")
                fix = None
            elif new.language == "pulumi":
                old_name = old.address[len(old.address.rsplit(".", 1)[0]) + 1:]
                msg = (f"{old.address} renamed to {new.address} without an alias: Pulumi deletes the old resource "
                       f"and creates a new one{what_holds(ctx, old)}")
                help = f'if it is the same resource, add `opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="{old_name}")])`'
                fix = None
            else:
                msg = (f"{old.address} renamed to {new.address} without a `moved` block: the old resource is "
                       f"destroyed and a new one created{what_holds(ctx, old)}")
                fix = moved_block(old.address, new.address)
                help = f"if it is the same resource, add a `moved` block from {old.address} to {new.address}:"
            yield self.finding(
                old,
                msg,
                help=help,
                severity=severity_for(ctx, old),
                pos=new.pos,
                path=new.path,
                resources=[old.address, new.address],
                fix=fix,
                replaces=new.address,
            )
