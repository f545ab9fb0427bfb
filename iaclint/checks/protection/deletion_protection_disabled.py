from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import MISSING, NEGATIVE, NON_EMPTY, get_path, protective, shown_value
from iaclint.engine.check import Check, Context
from iaclint.core.model import Category, ChangeKind, Finding, Severity, StackDiff
from iaclint.core.facts import PlanFacts
from iaclint.checks.planned import as_bool, guards, planned, verdicts_for


class DeletionProtectionDisabled(Check):
    """## What it does
    Flags a resource whose deletion guard is turned off or removed: `deletion_protection`,
    `deletion_protection_enabled`, `disable_api_termination`, `enable_deletion_protection`,
    `purge_protection_enabled`, CloudFormation `DeletionProtection`, `DeletionProtectionEnabled`,
    `DisableApiTermination`, ... (every guard in the protection packs).

    A guard whose argument is Optional+Computed in the provider's schema keeps the state's value
    when the argument is removed: that is a note, not an error.

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
        if isinstance(diff.facts, PlanFacts):
            yield from self._planned(diff.facts, ctx)
            return
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
                schema = ctx.packs.attributes(a.type).get(fact.key) if a.language == "terraform" else None
                if (after_v is MISSING and default is None and schema is not None and schema.computed
                        and get_path(b.body, fact.key) is not MISSING):
                    # Optional+Computed: a removed argument keeps the value the state has
                    yield self.finding(
                        a,
                        f"{a.address}: `{fact.key} = {want}` removed; the provider keeps the value it has in the state "
                        f"(the argument is Optional and Computed), so deletion protection stays on until it is set to "
                        f"another value",
                        help=f"keep `{fact.key} = {want}` written out, so the guard is visible in review",
                        severity=Severity.NOTE,
                        pos=pos,
                    )
                    continue
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

    def _planned(self, facts: PlanFacts, ctx: Context) -> Iterator[Finding]:
        """Guards the plan turns off (or makes known only after apply), from its before/after values."""
        help_ = "keep it on; if the resource must go, turn it off in its own reviewed change first"
        if facts.kind == "cloudformation":
            for p in facts.of("update", "replace", "conditional"):
                wanted = guards(ctx.packs, p.type)
                for t in p.targets:
                    name = t.get("Name")
                    if t.get("Attribute") != "Properties" or name not in wanted or ("BeforeValue" not in t and "AfterValue" not in t):
                        continue  # described without --include-property-values: the values are not known
                    before, after = t.get("BeforeValue"), None if t.get("AttributeChangeType") == "Remove" else t.get("AfterValue")
                    wants = wanted[name]
                    if not any(protective(as_bool(before), w) is True for w in wants) or any(protective(as_bool(after), w) is True for w in wants):
                        continue
                    shown = ""
                    if str(before).lower() in ("true", "false") and (after is None or str(after).lower() in ("true", "false")):
                        shown = f" ({str(before).lower()} → {'unset' if after is None else str(after).lower()})"
                    yield planned(self, facts, p.address, f"the change set turns off deletion protection `{name}` on {p.address}{shown}",
                                  help=help_, extra={"attr": name})
            return
        for p, attr, state, shown in verdicts_for(self.code, facts, ctx.packs):
            if state == "unknown":
                yield planned(self, facts, p.address, f"the plan makes deletion protection `{attr}` on {p.address} known only "
                              f"after apply; it may be turned off", help="set the guard to a literal true", severity=Severity.WARNING)
                continue
            what = "the replacement of " if p.action == "replace" else ""
            yield planned(self, facts, p.address, f"the plan turns off deletion protection `{attr}` on {what}{p.address}"
                          + (f" ({shown})" if shown else ""), help=help_, extra={"attr": attr})


def _with_default(value, default: str):
    if value is MISSING or value is None:
        return {"true": True, "false": False}.get(default, default)
    return value
