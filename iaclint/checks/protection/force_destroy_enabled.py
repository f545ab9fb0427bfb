from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import MISSING, get_path, shown_value
from iaclint.engine.check import Check, Context, is_true
from iaclint.core.model import Category, ChangeKind, Expr, Finding, Severity, StackDiff
from iaclint.core.facts import PlanFacts
from iaclint.checks.planned import planned, verdicts_for


class ForceDestroyEnabled(Check):
    """## What it does
    Flags a switch that lets a destroy take data with it being turned on: `force_destroy`
    (buckets, IAM users, Route 53 zones...), `force_delete`, `skip_final_snapshot`,
    `delete_automated_backups` and the other "protective when false" flags in the packs.

    ## Why is this bad?
    These switches are off by default so that destroying a non-empty bucket or a database fails
    or leaves a snapshot. Turning them on is how a later deletion becomes silent and total.

    ## Example
    ```hcl
    resource "aws_db_instance" "main" {
      skip_final_snapshot = true   # was false: no snapshot when it is destroyed
    }
    ```

    ## Use instead
    Leave them off. Empty the bucket or take a snapshot by hand if you really mean to delete.
    """

    code = "IAC203"
    name = "force-destroy-enabled"
    category = Category.PROTECTION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        if isinstance(diff.facts, PlanFacts):
            yield from self._planned(diff.facts, ctx)
            return
        for change in diff.changes:
            if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED, ChangeKind.RENAMED):
                continue
            b, a = change.before, change.after
            for fact in ctx.packs.protection(a.type):
                if fact.value != "false":
                    continue
                before_v = get_path(b.body, fact.key)
                after_v = get_path(a.body, fact.key)
                if before_v is MISSING or before_v is None:
                    # unset means the provider's default: already on where that default is true
                    if ctx.packs.protective_default(a.type, fact.key) == "true":
                        continue
                if is_true(before_v) or isinstance(before_v, Expr):
                    continue
                if is_true(after_v):
                    yield self.finding(
                        a,
                        f"{a.address}: `{fact.key}` turned on (was {shown_value(b, fact.key, before_v)}): destroying it will "
                        f"no longer keep its data",
                        help=f"remove `{fact.key}`, or set it to false",
                        pos=a.pos_of(fact.key),
                    )
                elif isinstance(after_v, Expr) and after_v is not MISSING:
                    yield self.finding(
                        a,
                        f"{a.address}: `{fact.key}` is now {shown_value(a, fact.key, after_v)}, which iaclint cannot evaluate; "
                        f"it may be turned on",
                        help="keep it a literal false, or check the plan",
                        severity=Severity.NOTE,
                        pos=a.pos_of(fact.key),
                    )

    def _planned(self, facts: PlanFacts, ctx: Context) -> Iterator[Finding]:
        for p, attr, state, shown in verdicts_for(self.code, facts, ctx.packs):
            if state == "unknown":
                yield planned(self, facts, p.address, f"the plan makes `{attr}` on {p.address} known only after apply; "
                              f"it may be turned on", severity=Severity.WARNING, help="keep it a literal false")
                continue
            yield planned(self, facts, p.address, f"the plan turns on `{attr}` on {p.address}" + (f" ({shown})" if shown else ""),
                          extra={"attr": attr}, help="leave it off unless the data may really go with the resource")
