from __future__ import annotations

from typing import Iterator

from iaclint.checks.planned import planned
from iaclint.core.facts import PlanFacts
from iaclint.core.model import Category, Finding, Severity, StackDiff
from iaclint.engine.check import Check, Context

SHOWN_PATHS = 8  # attributes named in a message; the rest are counted


class DriftReverted(Check):
    """## What it does
    Reads a Terraform plan's `resource_drift`: a resource changed outside Terraform that the apply
    will change back, or one deleted outside Terraform that the apply will create again. Names the
    attributes, never their values.

    ## Why is this bad?
    Someone (a person in the console, an incident fix, another tool) changed the resource on
    purpose, and the apply silently undoes it: a security group rule opened during an incident is
    closed again, a scaled-up instance shrinks. A resource deleted outside Terraform comes back
    new and empty, and whatever depended on the old one is gone.

    ## Example
    ```text
    aws_security_group.web was changed outside Terraform (ingress); the apply reverts it
    ```

    ## Use instead
    Find out who changed it and why. If the change should stay, bring it into the configuration
    (or `lifecycle { ignore_changes = [...] }`) before applying; if it should not, apply knowingly.
    For a deleted resource, restore it (from a backup) and `terraform import` it, or remove its
    block if it should stay gone.
    """

    code = "IAC501"
    name = "drift-reverted"
    category = Category.DRIFT
    severity = Severity.WARNING

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        if isinstance(diff.facts, PlanFacts):
            yield from self._planned(diff.facts, ctx)

    def _planned(self, facts: PlanFacts, ctx: Context) -> Iterator[Finding]:
        from iaclint.plan.model import fmt_path  # here: the registry is imported by check-command, which reads no plan

        for d in facts.drift:
            if d.deleted:
                if d.planned_action != "create":
                    continue
                data = ", new and empty: the data it held does not come back" if ctx.packs.stateful(d.type) else ""
                yield planned(self, facts, d.address,
                              f"{d.address} ({d.type}) was deleted outside Terraform; the apply creates it again{data}",
                              help="find out why it was deleted; if its data matters, restore it from a backup and "
                                   "`terraform import` it before applying; if it should stay gone, remove its block",
                              extra={"drift": "deleted"})
                continue
            if d.planned_action != "update":
                continue  # no-op: the configuration accepts the drift; replace/delete: louder rules say so
            reverted = [p for p in d.paths if any(_overlap(p, q) for q in d.planned_paths)]
            if not reverted:
                continue
            names = list(dict.fromkeys(fmt_path(p) or "(the whole object)" for p in reverted))
            shown = ", ".join(names[:SHOWN_PATHS]) + (f" and {len(names) - SHOWN_PATHS} more" if len(names) > SHOWN_PATHS else "")
            yield planned(self, facts, d.address,
                          f"{d.address} ({d.type}) was changed outside Terraform ({shown}); the apply reverts "
                          f"{'it' if len(names) == 1 else 'them'}",
                          help="find out who changed it and why: if the change should stay, put it in the configuration "
                               "(or `lifecycle { ignore_changes = [...] }`) before applying",
                          extra={"drift": "changed", "drift_paths": names})


def _overlap(a: list, b: list) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]

