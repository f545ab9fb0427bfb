from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import moved_block, severity_for, what_holds
from iaclint.checks.replacement.logical_id_rename import outcome
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
    (`aws cloudformation create-stack-refactor`) to rename it without replacement. What happens
    to the old resource follows its `DeletionPolicy`: `Delete` (the default but for RDS) deletes
    it, `Snapshot` deletes it after a final snapshot, `Retain` and `RetainExceptOnCreate` keep it
    outside the stack (a warning: nothing is destroyed, but the stack now holds a new, empty
    resource). A new resource with the same physical name (`BucketName`, `TableName`) cannot be
    created beside the old one: the update fails and rolls back.
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
            severity = severity_for(ctx, old)
            if new.language == "cloudformation":
                msg, help, severity = outcome(ctx, old, new)
                fix = None
            elif new.language == "cdk":
                msg, _, severity = outcome(ctx, old, new, f"logical ID {old.address} ({old.meta.get('construct_path')}) "
                                                          f"becomes {new.address} ({new.meta.get('construct_path')})")
                help = (f"keep the construct id and scope, or pin the old ID: "
                        f"`<construct>.node.default_child.override_logical_id(\"{old.address}\")` "
                        f"(or use CDK's refactor support)")
                fix = None
            elif new.language == "pulumi":
                old_name = old.address[len(old.address.rsplit(".", 1)[0]) + 1:]
                msg = (f"{old.address} renamed to {new.address} without an alias: Pulumi deletes the old resource "
                       f"and creates a new one{what_holds(ctx, old)}")
                help = f'if it is the same resource, add `opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="{old_name}")])`'
                old_chain, new_chain = old.address.rpartition("$")[0], new.address.rpartition("$")[0]
                if old_chain != new_chain:  # its parent changed (moved into or out of a component)
                    parent = "pulumi.ROOT_STACK_RESOURCE" if not old_chain else f"<the {old_chain.rsplit('$', 1)[-1]} it was in>"
                    same = old_name == new.address[len(new.address.rsplit(".", 1)[0]) + 1:]
                    help = ("if it is the same resource, add `opts=pulumi.ResourceOptions(aliases=[pulumi.Alias("
                            + ("" if same else f'name="{old_name}", ') + f"parent={parent})])`")
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
                severity=severity,
                pos=new.pos,
                path=new.path,
                resources=[old.address, new.address],
                fix=fix,
                replaces=new.address,
            )
