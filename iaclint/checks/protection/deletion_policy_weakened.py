from __future__ import annotations

from typing import Iterator

from iaclint.engine.check import Check, Context
from iaclint.core.model import Category, ChangeKind, Expr, Finding, Severity, StackDiff
from iaclint.core.facts import PlanFacts
from iaclint.checks.planned import POLICY_RANK, planned

KEEPING = {"Retain", "RetainExceptOnCreate", "Snapshot"}
POLICIES = (("deletion_policy", "DeletionPolicy"), ("update_replace_policy", "UpdateReplacePolicy"))


class DeletionPolicyWeakened(Check):
    """## What it does
    Flags a CloudFormation `DeletionPolicy` or `UpdateReplacePolicy` weakened from `Retain`,
    `RetainExceptOnCreate` or `Snapshot` to `Delete`, or removed (the default is `Delete` for
    most types), on a resource that holds data.

    ## Why is this bad?
    The policy decides what happens to the data when the resource leaves the stack or is
    replaced. Weakening it now makes the next deletion or replacement lose the data.

    ## Example
    ```yaml
    OrdersTable:
      Type: AWS::DynamoDB::Table
      DeletionPolicy: Delete   # was Retain
    ```

    ## Use instead
    Keep `Retain` (or `Snapshot`) on stateful resources, for both policies.
    """

    code = "IAC209"
    name = "deletion-policy-weakened"
    category = Category.PROTECTION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        if isinstance(diff.facts, PlanFacts):
            yield from self._planned(diff.facts, ctx)
            return
        for change in diff.changes:
            if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED):
                continue
            b, a = change.before, change.after
            if a.language not in ("cloudformation", "cdk") or ctx.packs.stateful(a.type) is None:
                continue
            for key, label in POLICIES:
                old, new = b.meta.get(key), a.meta.get(key)
                if old not in KEEPING or new in KEEPING:
                    continue
                if isinstance(new, Expr):
                    yield self.finding(
                        a,
                        f"{a.address}: {label} changed from {old} to a computed value; the data may no longer be kept",
                        help=f"keep `{label}: {old}` literal",
                        severity=Severity.WARNING,
                        pos=a.pos_of("@" + label),
                    )
                    continue
                how = f"changed from {old} to {new}" if new else f"removed (was {old}; the default deletes)"
                yield self.finding(
                    a,
                    f"{a.address} ({a.type}): {label} {how}: deleting or replacing it will lose its data",
                    help=f"keep `{label}: {old}`",
                    pos=a.pos_of("@" + label) if new else a.pos,
                )

    def _planned(self, facts: PlanFacts, ctx: Context) -> Iterator[Finding]:
        """A change set that lowers DeletionPolicy or UpdateReplacePolicy (values shown with
        `--include-property-values`)."""
        for p in facts.of("update", "replace", "conditional"):
            for t in p.targets:
                attr = t.get("Attribute")
                if attr not in ("DeletionPolicy", "UpdateReplacePolicy") or ("BeforeValue" not in t and "AfterValue" not in t):
                    continue
                before, after = t.get("BeforeValue"), t.get("AfterValue")
                b, a = POLICY_RANK.get(str(before or "Delete"), 0), POLICY_RANK.get(str(after or "Delete"), 0)
                if b > a and isinstance(before, str) and before in POLICY_RANK:
                    shown = after if after in POLICY_RANK else "Delete" if not after else "a weaker policy"
                    yield planned(self, facts, p.address, f"the change set weakens {attr} of {p.address} ({before} → {shown})",
                                  help=f"keep {attr}: {before}")
