"""IAC210 auto-delete-objects-enabled."""

from __future__ import annotations

from typing import Iterator

from iaclint.engine.check import Check, Context, is_true
from iaclint.core.model import Category, ChangeKind, Expr, Finding, Severity, StackDiff


class AutoDeleteObjectsEnabled(Check):
    """## What it does
    Flags `auto_delete_objects=True` added to an AWS CDK `s3.Bucket` that had it off.

    ## Why is this bad?
    CDK then adds a custom resource that empties the bucket whenever it is deleted or
    replaced, so a later removal, rename or `RemovalPolicy.DESTROY` takes every object with
    it instead of failing on a non-empty bucket. It is CDK's counterpart of Terraform's
    `force_destroy`.

    ## Example
    ```python
    s3.Bucket(self, "Assets",
              removal_policy=RemovalPolicy.DESTROY,
              auto_delete_objects=True)   # was not set
    ```

    ## Use instead
    Leave it off for buckets whose objects matter; empty the bucket by hand when you really
    mean to delete it.
    """

    code = "IAC210"
    name = "auto-delete-objects-enabled"
    category = Category.PROTECTION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for change in diff.changes:
            if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED, ChangeKind.RENAMED):
                continue
            b, a = change.before, change.after
            if a.language != "cdk":
                continue
            before_v, after_v = b.body.get("auto_delete_objects"), a.body.get("auto_delete_objects")
            if is_true(before_v) or isinstance(before_v, Expr):
                continue
            if is_true(after_v):
                yield self.finding(
                    a,
                    f"{a.address} ({a.meta.get('construct_path')}): `auto_delete_objects` turned on: deleting or "
                    f"replacing the bucket will empty it first",
                    help="remove `auto_delete_objects=True`; empty the bucket by hand if it really must go",
                    pos=a.pos_of("auto_delete_objects"),
                )
            elif isinstance(after_v, Expr):
                yield self.finding(
                    a,
                    f"{a.address}: `auto_delete_objects` is now `{after_v.text}`, which cannot be determined "
                    f"statically; it may be turned on",
                    help="keep it a literal False, or check the synthesized template",
                    severity=Severity.WARNING,
                    pos=a.pos_of("auto_delete_objects"),
                )
