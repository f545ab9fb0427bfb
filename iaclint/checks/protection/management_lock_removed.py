from __future__ import annotations

from typing import Iterator

from iaclint.engine.check import Check, Context
from iaclint.core.model import Category, ChangeKind, Finding, Severity, StackDiff

LOCK_TYPES = {"azurerm_management_lock"}


class ManagementLockRemoved(Check):
    """## What it does
    Flags the removal of a management lock (`azurerm_management_lock`) or a lock's level weakened
    from `CanNotDelete`/`ReadOnly`.

    ## Why is this bad?
    A lock makes Azure refuse deletions whatever the caller's permissions. Removing it in the same
    change set as other edits is how a protected resource group becomes deletable.

    ## Example
    ```hcl
    # resource "azurerm_management_lock" "rg" { lock_level = "CanNotDelete" }   <- deleted
    ```

    ## Use instead
    Keep the lock; remove it in its own reviewed change if the locked resource must go.
    """

    code = "IAC208"
    name = "management-lock-removed"
    category = Category.PROTECTION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for change in diff.changes:
            r = change.current
            if r.type not in LOCK_TYPES:
                continue
            if change.kind is ChangeKind.REMOVED:
                yield self.finding(
                    change.before,
                    f"{r.address}: management lock removed; the resources it guarded can now be deleted",
                    help="keep the lock; remove it in its own reviewed change if needed",
                    removed=True,
                )
            elif change.kind is ChangeKind.MODIFIED and "lock_level" in change.changed_paths:
                before = change.before.body.get("lock_level")
                after = change.after.body.get("lock_level")
                if before == "CanNotDelete" or before == "ReadOnly":
                    if after not in ("CanNotDelete", "ReadOnly"):
                        yield self.finding(
                            change.after,
                            f"{r.address}: lock level weakened from {before} to {after}",
                            help="keep CanNotDelete or ReadOnly",
                            pos=change.after.pos_of("lock_level"),
                        )
