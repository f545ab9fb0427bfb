from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import module_loss, severity_for, what_holds
from iaclint.engine.check import Check, Context
from iaclint.core.model import Location, Category, ChangeKind, Expr, Finding, Severity, StackDiff
from iaclint.core.facts import TerraformFacts
from iaclint.core.facts import PlanFacts
from iaclint.checks.planned import planned
from iaclint.core.addresses import strip_keys


class InstancesRemoved(Check):
    """## What it does
    Flags a Terraform resource or module whose `count` goes down (to 0 in particular) or whose
    `for_each` loses keys.

    ## Why is this bad?
    The block is still there, so the diff does not look like a deletion, but the instances with
    the dropped indexes or keys are destroyed. `count = var.enabled ? 1 : 0` flipped to 0 deletes
    the resource.

    ## Example
    ```hcl
    resource "aws_ebs_volume" "data" {
      for_each = toset(["a"])   # was ["a", "b"]: data["b"] is destroyed
    }
    ```

    ## Use instead
    Keep the instances, or move the ones that must survive with `moved` blocks to their new keys.
    """

    code = "IAC304"
    name = "instances-removed"
    category = Category.DELETION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        if isinstance(diff.facts, PlanFacts):
            yield from self._planned(diff.facts, ctx)
            return
        moved_from = diff.moved_from
        for change in diff.changes:
            if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED) or change.after.language != "terraform":
                continue
            b, a = change.before, change.after
            for scheme in ("count", "for_each"):
                if scheme not in b.meta or scheme not in a.meta:
                    continue
                old, new = b.meta[scheme], a.meta[scheme]
                lost = _lost(scheme, old, new)
                if lost is None:
                    if isinstance(new, Expr) and old != new:
                        yield self.finding(
                            a,
                            f"{a.address}: `{scheme}` changed to an expression iaclint cannot evaluate; instances "
                            f"may be destroyed",
                            help="check the plan for destroyed instances",
                            severity=Severity.NOTE,
                            pos=a.pos_of(scheme),
                        )
                    continue
                lost = [k for k in lost if f"{b.address}{k}" not in moved_from]
                if not lost:
                    continue
                shown = ", ".join(f"{a.address}{k}" for k in lost[:5]) + (" ..." if len(lost) > 5 else "")
                yield self.finding(
                    a,
                    f"{a.address}: `{scheme}` change destroys {len(lost)} instance(s): {shown}{what_holds(ctx, a)}",
                    help="keep the instances, or add `moved` blocks for those that must survive",
                    severity=severity_for(ctx, a),
                    pos=a.pos_of(scheme),
                    extra={"instances": lost},
                )
        # A module call's count/for_each going down destroys everything in the dropped instances.
        for b_call, a_call in diff.facts.module_calls_kept if isinstance(diff.facts, TerraformFacts) else []:
            anchor = Location(a_call.address, a_call.path, a_call.pos)
            for scheme in ("count", "for_each"):
                if scheme not in b_call.meta or scheme not in a_call.meta:
                    continue
                lost = _lost(scheme, b_call.meta[scheme], a_call.meta[scheme])
                if lost is None:
                    continue
                lost = [k for k in lost if f"{b_call.address}{k}" not in moved_from]
                if not lost:
                    continue
                shown = ", ".join(f"{a_call.address}{k}" for k in lost[:5]) + (" ..." if len(lost) > 5 else "")
                inside, severity = module_loss(ctx, diff, a_call)
                yield self.finding(
                    anchor,
                    f"{a_call.address}: `{scheme}` change destroys {len(lost)} module instance(s) and everything "
                    f"in them: {shown}{inside}",
                    help="keep the instances, or add `moved` blocks for those that must survive",
                    severity=severity,
                )

    def _planned(self, facts: PlanFacts, ctx: Context) -> Iterator[Finding]:
        """Instances the plan destroys because their count index or for_each key is gone, one
        finding per resource block; a stateful type is IAC301's, per instance and louder."""
        by_block: dict[str, list[tuple[str, str]]] = {}
        for p in facts.of("delete"):
            if p.reason in ("delete_because_count_index", "delete_because_each_key"):
                by_block.setdefault(strip_keys(p.address), []).append((p.address, p.type))
        for base, members in by_block.items():
            if ctx.packs.stateful(members[0][1]) is not None:
                continue
            names = ", ".join(a for a, _ in members[:5]) + (" ..." if len(members) > 5 else "")
            yield planned(self, facts, base, f"the plan destroys {len(members)} instance(s) of {base} ({names}): their count "
                          f"index or for_each key is gone",
                          help="check `count`/`for_each`; add `moved` blocks if the instances were only re-keyed",
                          severity=Severity.WARNING, resources=[a for a, _ in members])


def _lost(scheme: str, old, new) -> list[str] | None:
    if scheme == "count":
        if isinstance(old, int) and isinstance(new, int) and not isinstance(old, bool) and not isinstance(new, bool):
            return [f"[{i}]" for i in range(new, old)] if new < old else []
        return None
    old_keys = _keys(old)
    new_keys = _keys(new)
    if old_keys is None or new_keys is None:
        return None
    return [f'["{k}"]' for k in old_keys if k not in new_keys]


def _keys(value) -> list[str] | None:
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None
