from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import removed_from
from iaclint.engine.check import Check, Context, is_true
from iaclint.core.model import Category, ChangeKind, Finding, Severity, StackDiff


class ProtectedResourceDeleted(Check):
    """## What it does
    Flags the removal of a resource that had `lifecycle { prevent_destroy = true }`.

    ## Why is this bad?
    `prevent_destroy` only guards resources that are still in the configuration: once the block
    is deleted, the guard is deleted with it and Terraform destroys the resource without
    complaint. Someone marked this resource as one that must never be destroyed.

    ## Example
    ```hcl
    # resource "aws_s3_bucket" "audit" {
    #   lifecycle { prevent_destroy = true }
    # }                                       <- the whole block deleted
    ```

    ## Use instead
    `removed { from = aws_s3_bucket.audit  lifecycle { destroy = false } }` to stop managing it
    without destroying it; or, if it really must go, remove `prevent_destroy` in its own reviewed
    change first.
    """

    code = "IAC302"
    name = "protected-resource-deleted"
    category = Category.DELETION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for change in diff.changes:
            if change.kind is not ChangeKind.REMOVED:
                continue
            r = change.before
            if not is_true(r.meta.get("prevent_destroy")) or r.language == "pulumi":
                # Pulumi keeps `protect` in its state: deleting a protected resource fails the update
                continue
            yield self.finding(
                removed_from(diff, r),
                f"{r.address} had `prevent_destroy = true` and is removed: Terraform does not protect a "
                f"removed block, so it will be destroyed",
                help=f"use `removed {{ from = {r.address}  lifecycle {{ destroy = false }} }}` to keep it, or remove "
                     f"prevent_destroy in a separate reviewed change first",
                removed=True,
            )
