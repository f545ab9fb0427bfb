"""IAC211 retain-on-delete-removed."""

from __future__ import annotations

from typing import Iterator

from iaclint.engine.check import Check, Context, is_true
from iaclint.core.model import Category, ChangeKind, Expr, Finding, Severity, StackDiff


class RetainOnDeleteRemoved(Check):
    """## What it does
    Flags Pulumi's `retain_on_delete=True` removed (or set to False) from a resource that stays.

    ## Why is this bad?
    `retain_on_delete` is what keeps the cloud resource when Pulumi deletes or replaces it.
    Without it, the next deletion or replacement destroys the resource and its data.

    ## Example
    ```python
    aws.rds.Instance("orders", ...,
        opts=pulumi.ResourceOptions(protect=True))   # was retain_on_delete=True as well
    ```

    ## Use instead
    Keep `retain_on_delete=True`. Pulumi reads `retain_on_delete` from its state, so adding it
    in the same change that deletes the resource does not retain it: deploy it first.
    """

    code = "IAC211"
    name = "retain-on-delete-removed"
    category = Category.PROTECTION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for change in diff.changes:
            if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED, ChangeKind.RENAMED):
                continue
            b, a = change.before, change.after
            if a.language != "pulumi" or not is_true(b.meta.get("retain_on_delete")):
                continue
            now = a.meta.get("retain_on_delete")
            if is_true(now):
                continue
            if isinstance(now, Expr):
                yield self.finding(
                    a,
                    f"{a.address}: `retain_on_delete` is now `{now.text}`, which cannot be determined statically",
                    help="keep `retain_on_delete=True` literal",
                    severity=Severity.WARNING,
                    pos=a.pos_of("opts"),
                )
                continue
            how = "set to False" if now is not None else "removed"
            yield self.finding(
                a,
                f"{a.address}: `retain_on_delete` {how} (was True): deleting or replacing it will destroy it",
                help="keep `retain_on_delete=True`; note that Pulumi reads it from state, so adding it in the same "
                     "change that deletes a resource does not retain it",
                pos=a.pos_of("opts"),
            )
