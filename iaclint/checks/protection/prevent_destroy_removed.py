from __future__ import annotations

from typing import Iterator

from iaclint.engine.check import Check, Context, is_true
from iaclint.core.model import Category, ChangeKind, Expr, Finding, Severity, StackDiff


class PreventDestroyRemoved(Check):
    """## What it does
    Flags `lifecycle { prevent_destroy = true }` removed or set to false on a resource that stays.

    ## Why is this bad?
    `prevent_destroy` makes any plan that would destroy the resource fail. Removing it is the
    first step of every accidental deletion and replacement of a protected resource.

    ## Example
    ```hcl
    lifecycle {
      prevent_destroy = false   # was true
    }
    ```

    ## Use instead
    Keep it. If the resource must go, remove the guard in its own reviewed change.
    """

    code = "IAC202"
    name = "prevent-destroy-removed"
    category = Category.PROTECTION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for change in diff.changes:
            if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED, ChangeKind.RENAMED):
                continue
            b, a = change.before, change.after
            if a.language not in ("terraform", "pulumi") or not is_true(b.meta.get("prevent_destroy")):
                continue
            now = a.meta.get("prevent_destroy")
            if is_true(now):
                continue
            if isinstance(now, Expr) and a.language == "pulumi":
                yield self.finding(
                    a,
                    f"{a.address}: `protect` is now `{now.text}`, which cannot be determined statically (was True)",
                    help="keep `protect=True` literal, or check the preview",
                    severity=Severity.WARNING,
                    pos=a.pos_of("opts"),
                )
                continue
            if isinstance(now, Expr):
                # Terraform requires a literal here; a non-literal is an error at plan time
                continue
            how = "set to false" if now is not None else "removed"
            if a.language == "pulumi":
                yield self.finding(
                    a,
                    f"{a.address}: `protect` {how} (was True): Pulumi will no longer refuse to delete or replace it",
                    help="keep `opts=pulumi.ResourceOptions(protect=True)`; if the resource must go, unprotect it in its own reviewed change",
                    pos=a.pos_of("opts"),
                )
                continue
            yield self.finding(
                a,
                f"{a.address}: `lifecycle.prevent_destroy` {how} (was true)",
                help="keep prevent_destroy; if the resource must go, remove it in its own reviewed change",
                pos=a.pos_of("lifecycle.prevent_destroy") if now is not None else a.pos_of("lifecycle"),
            )
