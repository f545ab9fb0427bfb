from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import MISSING, get_path, ignored, per_instance, severity_for, what_holds
from iaclint.engine.check import Check, Context, is_true
from iaclint.core.model import Category, ChangeKind, Expr, Finding, Severity, StackDiff
from iaclint.core.facts import PlanFacts
from iaclint.checks.planned import planned


class ConditionalReplacementAttributeChanged(Check):
    """## What it does
    Flags a change to an attribute that forces replacement only under a condition (a
    `CustomizeDiff`/`RequiresReplaceIf` in the provider, a `conditionalCreateOnlyProperties`
    entry in CloudFormation). When the condition is known and holds, it is reported like a
    certain replacement; when it is known not to hold, nothing is reported; otherwise it is a note.

    ## Why is this bad?
    "May replace" changes are where reviewers stop reading. `aws_instance.user_data` replaces the
    instance when `user_data_replace_on_change = true`, and only then.

    ## Example
    ```hcl
    resource "aws_instance" "web" {
      user_data                   = file("v2.sh")   # was v1.sh
      user_data_replace_on_change = true
    }
    ```

    ## Use instead
    Check the plan (`terraform plan`, a change set) for `forces replacement` before merging, or
    avoid the condition (here: drop `user_data_replace_on_change` to update in place).
    """

    code = "IAC102"
    name = "conditional-replacement-attribute-changed"
    category = Category.REPLACEMENT
    severity = Severity.NOTE

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        if isinstance(diff.facts, PlanFacts):
            yield from self._planned(diff.facts, ctx)
            return
        for change in diff.changes:
            if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED) or not change.changed_paths:
                continue
            after = change.after
            facts = [f for f in ctx.packs.replacement(after.type) if f.value == "conditional"]
            if not facts:
                continue
            always = ctx.packs.force_new_keys(after.type)
            changed = set(change.changed_paths)
            by_key: dict[str, list] = {}
            for f in facts:
                if (f.key in changed and f.key not in always and not ignored(after, f.key)
                        and not per_instance(change.before, after, f.key)):
                    by_key.setdefault(f.key, []).append(f)
            for key, group in sorted(by_key.items()):
                known = [f for f in group if len(f.extra) >= 2 and f.extra[0]]
                if known:
                    verdicts = [_holds(after.body, f.extra[0], f.extra[1]) for f in known]
                    if any(v is True for v in verdicts):
                        cond = next(f for f, v in zip(known, verdicts) if v is True)
                        yield self.finding(
                            after,
                            f"{after.address}: changing `{key}` forces replacement because "
                            f"`{cond.extra[0]} = {cond.extra[1]}`{what_holds(ctx, after)}",
                            help=f"remove `{cond.extra[0]}` to update in place, or keep the old value",
                            severity=severity_for(ctx, after),
                            pos=after.pos_of(key),
                            extra={"attributes": [key]},
                        )
                        continue
                    if all(v is False for v in verdicts):
                        continue
                yield self.finding(
                    after,
                    f"{after.address}: changing `{key}` may force replacement (the provider replaces the "
                    f"resource under some conditions){what_holds(ctx, after)}",
                    help="check the plan for `forces replacement` before merging",
                    pos=after.pos_of(key),
                    extra={"attributes": [key]},
                )

    def _planned(self, facts: PlanFacts, ctx: Context) -> Iterator[Finding]:
        """A change set's `Replacement: Conditional`: decided by values known only during the update."""
        for p in facts.of("conditional"):
            what = ", ".join(f"`{n}`" for n in p.replace_paths) if p.replace_paths else "a change"
            severity = Severity.WARNING if ctx.packs.stateful(p.type) is not None else Severity.NOTE
            yield planned(self, facts, p.address,
                          f"the change set may replace {p.address} ({p.type}): {what} requires a new resource depending on "
                          f"values known only during the update",
                          help="check the new values against the resource type's documentation before executing the change set",
                          severity=severity, extra={"replace_paths": p.replace_paths, "attr": p.attr})


def _holds(body: dict, attribute: str, value: str) -> bool | None:
    actual = get_path(body, attribute)
    if actual is MISSING:
        return value.lower() in ("false", "")  # unset means the provider default, false for these switches
    if isinstance(actual, Expr):
        return None
    if value.lower() == "true":
        return is_true(actual)
    return str(actual) == value
