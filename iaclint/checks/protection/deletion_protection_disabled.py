from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import MISSING, NEGATIVE, NON_EMPTY, get_path, protective, shown_value
from iaclint.engine.check import Check, Context
from iaclint.core.model import Category, ChangeKind, Finding, Severity, StackDiff


class DeletionProtectionDisabled(Check):
    """## What it does
    Flags a resource whose deletion guard is turned off or removed: `deletion_protection`,
    `deletion_protection_enabled`, `disable_api_termination`, `enable_deletion_protection`,
    `purge_protection_enabled`, CloudFormation `DeletionProtection`, `DeletionProtectionEnabled`,
    `DisableApiTermination`, ... (every guard in the protection packs).

    ## Why is this bad?
    The guard is the last thing between a mistaken destroy and lost data. Agents turn it off to
    make an apply "go through"; a later change then deletes the resource without resistance.

    ## Example
    ```hcl
    resource "aws_db_instance" "main" {
      deletion_protection = false   # was true
    }
    ```

    ## Use instead
    Keep it on. If the resource must really be deleted, turn the guard off in its own reviewed
    change, then delete in another.
    """

    code = "IAC201"
    name = "deletion-protection-disabled"
    category = Category.PROTECTION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for change in diff.changes:
            if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED):
                continue
            b, a = change.before, change.after
            for fact in ctx.packs.protection(a.type):
                want = fact.value
                if want in NEGATIVE or want == NON_EMPTY or "[" in fact.key or want.startswith("larger"):
                    continue
                before_v = get_path(b.body, fact.key)
                after_v = get_path(a.body, fact.key)
                default = ctx.packs.protective_default(a.type, fact.key)
                if default is not None:  # unset keeps the provider's protective default
                    before_v = _with_default(before_v, default)
                    after_v = _with_default(after_v, default)
                if protective(before_v, want) is not True:
                    continue
                now = protective(after_v, want)
                if now is True:
                    continue
                pos = a.pos_of(fact.key) if after_v is not MISSING else a.pos
                if now is None:
                    yield self.finding(
                        a,
                        f"{a.address}: `{fact.key}` was {want} and is now {shown_value(a, fact.key, after_v)}, which iaclint "
                        f"cannot evaluate; deletion protection may be off",
                        help=f"keep `{fact.key} = {want}` literal, or check the plan",
                        severity=Severity.NOTE,
                        pos=pos,
                    )
                    continue
                how = "removed" if after_v is MISSING else f"set to {shown_value(a, fact.key, after_v)}"
                was = shown_value(b, fact.key, get_path(b.body, fact.key))
                if default is not None and get_path(b.body, fact.key) is MISSING:
                    was = f"unset: the provider's default, {default}"
                yield self.finding(
                    a,
                    f"{a.address}: deletion protection `{fact.key}` {how} (was {was})",
                    help="keep it on; if the resource must go, turn it off in its own reviewed change first",
                    pos=pos,
                )


def _with_default(value, default: str):
    if value is MISSING or value is None:
        return {"true": True, "false": False}.get(default, default)
    return value
