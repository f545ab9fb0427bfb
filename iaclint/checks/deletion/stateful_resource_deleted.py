from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import removed_from
from iaclint.engine.check import Check, Context, is_true
from iaclint.core.model import Category, ChangeKind, Finding, Severity, StackDiff
from iaclint.core.facts import PlanFacts
from iaclint.checks.planned import DELETE_REASONS, guard_on, planned
from iaclint.core.addresses import module_of, strip_keys

RETAINING = {"Retain", "RetainExceptOnCreate"}


class StatefulResourceDeleted(Check):
    """## What it does
    Flags the removal of a resource that holds data: databases, buckets, tables, volumes, file
    systems, keys, secrets, DNS zones, queues, log groups, registries...

    ## Why is this bad?
    Removing the block is an instruction to destroy the resource on the next apply, and with it
    the data. Agents remove blocks while "cleaning up" more often than people expect.
    (A block removed with a guard of its type literally on, such as `archive_on_destroy = true`
    or `deletion_protection = true`, is a warning: the destroy runs with the values in the state,
    so the provider refuses it or keeps the data.)

    ## Example
    ```hcl
    # resource "aws_db_instance" "orders" { ... }   <- deleted from main.tf
    ```

    ## Use instead
    If the data must survive but the resource should leave this configuration, use
    `removed { from = aws_db_instance.orders  lifecycle { destroy = false } }` (Terraform ≥ 1.7)
    or `DeletionPolicy: Retain` (CloudFormation). If it really must go, take a backup and
    suppress this finding with a reason.
    """

    code = "IAC301"
    name = "stateful-resource-deleted"
    category = Category.DELETION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        if isinstance(diff.facts, PlanFacts):
            yield from self._planned(diff.facts, ctx)
            return
        for change in diff.changes:
            if change.kind is not ChangeKind.REMOVED:
                continue
            r = change.before
            if is_true(r.meta.get("prevent_destroy")):
                # IAC302 reports it, louder; Pulumi refuses to delete a protected resource (its state
                # keeps `protect`), so removing it from the program fails the update instead
                continue
            fact = ctx.packs.stateful(r.type)
            if fact is None:
                continue
            policy = r.meta.get("deletion_policy")
            if r.language == "pulumi" and is_true(r.meta.get("retain_on_delete")):
                yield self.finding(
                    removed_from(diff, r),
                    f"{r.address} ({r.type}) is removed; `retain_on_delete` keeps it in the cloud, but it leaves "
                    f"the stack's management",
                    help="make sure this is intended; the retained resource keeps costing and must be managed by hand",
                    severity=Severity.WARNING,
                    removed=True,
                )
                continue
            if r.language in ("cloudformation", "cdk") and policy in RETAINING:
                yield self.finding(
                    removed_from(diff, r),
                    f"{r.address} ({r.type}) is removed; its DeletionPolicy {policy} keeps the data, but the "
                    f"resource leaves the stack's management",
                    help="make sure this is intended; the retained resource keeps costing and must be managed by hand",
                    severity=Severity.WARNING,
                    removed=True,
                )
                continue
            if r.language in ("cloudformation", "cdk") and policy == "Snapshot":
                yield self.finding(
                    removed_from(diff, r),
                    f"{r.address} ({r.type}) is removed and deleted; DeletionPolicy Snapshot keeps a final snapshot",
                    help="confirm the snapshot is enough; use DeletionPolicy: Retain to keep the resource itself",
                    severity=Severity.WARNING,
                    removed=True,
                )
                continue
            guard = _guard_on(ctx, r)
            if guard is not None:
                yield self.finding(
                    removed_from(diff, r),
                    f"{r.address} ({r.type}) is removed; `{guard} = true` stays in its state, so the destroy is refused "
                    f"or keeps the data ({fact.value})",
                    help=f"make sure this is intended; to stop managing it without destroying it, use "
                         f"`removed {{ from = {r.address} lifecycle {{ destroy = false }} }}`",
                    severity=Severity.WARNING,
                    removed=True,
                )
                continue
            how = ("`removal_policy=RemovalPolicy.RETAIN` (deploy it before removing the construct)" if r.language == "cdk"
                   else "`opts=pulumi.ResourceOptions(retain_on_delete=True)` (deploy it before removing the resource)"
                   if r.language == "pulumi" else None) or (f"`removed {{ from = {r.address} lifecycle {{ destroy = false }} }}`" if r.language == "terraform"
                   else "DeletionPolicy: Retain (deploy it before removing the resource)")
            yield self.finding(
                removed_from(diff, r),
                f"{r.address} ({r.type}) is removed: it will be destroyed with its data ({fact.value})",
                help=f"to keep the data but stop managing it, use {how}; if it must go, back it up first",
                removed=True,
            )

    def _planned(self, facts: PlanFacts, ctx: Context) -> Iterator[Finding]:
        for p in facts.of("delete"):
            fact = ctx.packs.stateful(p.type)
            if fact is None:
                continue
            if facts.kind == "cloudformation":
                if p.policy in ("Retain", "Snapshot"):
                    kept = "DeletionPolicy Retain keeps the resource, but it leaves the stack's management" if p.policy == "Retain" \
                        else "DeletionPolicy Snapshot keeps a final snapshot"
                    yield planned(self, facts, p.address, f"the change set removes {p.address} ({p.type}); {kept}",
                                  help="confirm this is intended", severity=Severity.WARNING, extra={"policy_action": p.policy})
                    continue
                yield planned(self, facts, p.address,
                              f"the change set removes and deletes {p.address} ({p.type}), with its data ({fact.value})",
                              help="deploy DeletionPolicy: Retain before removing it if the data must survive; otherwise back it up first",
                              extra={"policy_action": p.policy})
                continue
            on = guard_on(ctx.packs, p.type, p.before, p.before_sensitive)
            guard = f"; `{on[0]}` is still on, so the apply will stop at it unless it is turned off first" if on else ""
            why = DELETE_REASONS.get(p.reason or "", "")
            yield planned(self, facts, p.address,
                          f"the plan destroys {p.address} ({p.type}){': ' + why if why else ''}, with its data ({fact.value}){guard}",
                          help=_keep_help(p.address, p.reason), extra={"action_reason": p.reason})


def _keep_help(address: str, reason: str | None) -> str:
    """How to keep what a plan destroys: a `removed` block names what it forgets in `from`,
    without instance keys; a lost instance is kept by its key, not by `removed`."""
    if reason in ("delete_because_count_index", "delete_because_each_key"):
        return ("to keep it, keep its index or key, or add a `moved` block to one that stays; "
                "if it must go, back it up first")
    whole = module_of(address) if reason == "delete_because_no_module" else strip_keys(address)
    return (f"to keep the data but stop managing it, use `removed {{ from = {whole}  lifecycle {{ destroy = false }} }}`; "
            "if it must go, back it up first")


def _guard_on(ctx: Context, r) -> str | None:
    """A Terraform guard that is literally true in the removed block (`archive_on_destroy`,
    `deletion_protection`, `termination_protection_enabled`, `skip_destroy`): the destroy runs with
    the state's values, so the provider refuses it or keeps the data."""
    if r.language != "terraform":
        return None
    for fact in ctx.packs.protection(r.type):
        if fact.key in _NO_GUARD_AGAINST_DESTROY:
            continue
        if fact.value == "true" and "[" not in fact.key and is_true(r.body.get(fact.key)):
            return fact.key
    return None


# Protection settings that do not stop Terraform's own destroy: the aws provider turns termination
# protection off before it terminates an instance (internal/service/ec2/ec2_instance.go#resourceInstanceDelete),
# and the stop guard is not about deletion at all.
_NO_GUARD_AGAINST_DESTROY = frozenset({"disable_api_termination", "disable_api_stop"})
