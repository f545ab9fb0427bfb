from __future__ import annotations

from typing import Iterator

from iaclint.core.facts import TerraformFacts
from iaclint.engine.check import Check, Context
from iaclint.core.model import Location, Category, ChangeKind, Finding, Severity, StackDiff
from iaclint.core.facts import PlanFacts
from iaclint.checks.planned import planned

DEFAULT_THRESHOLD = 5


class BroadDeletion(Check):
    """## What it does
    Flags one change that removes many resources from one stack at once (default: 5 or more;
    `broad_deletion_threshold` in the configuration).

    ## Why is this bad?
    Mass deletion is the signature of an agent "starting over": a file emptied, a directory
    deleted, a module rewritten. Each removed resource may be stateless, but together they are
    an outage.

    ## Example
    `networking.tf` deleted: 14 resources removed from the root module.

    ## Use instead
    Split the removal into reviewed steps, or confirm it is intended and suppress with a reason.
    """

    code = "IAC305"
    name = "broad-deletion"
    category = Category.DELETION
    severity = Severity.WARNING

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        if isinstance(diff.facts, PlanFacts):
            yield from self._planned(diff.facts, ctx)
            return
        facts = diff.facts
        if isinstance(facts, TerraformFacts) and facts.root_deleted and diff.before_resources:
            gone = sorted(diff.before_resources.values(), key=lambda r: (r.path, r.pos.line))
            stateful = [r.address for r in gone if ctx.packs.stateful(r.type) is not None]
            held = f", {len(stateful)} of them stateful ({', '.join(stateful[:3])}{' ...' if len(stateful) > 3 else ''})" if stateful else ""
            yield self.finding(
                Location(diff.stack or ".", gone[0].path, gone[0].pos),
                f"the example configuration {diff.stack or '.'!r} is deleted with the {len(gone)} resources it "
                f"declares{held}: nothing is destroyed unless someone applied it and runs `terraform destroy` on its state",
                help="if they must go, destroy them deliberately first; if they must stay, move them to another "
                     "configuration (`import` blocks there) before deleting this one",
                severity=Severity.NOTE,
                resources=[r.address for r in gone],
                removed=True,
            )
            return
        threshold = int(ctx.setting("broad_deletion_threshold", DEFAULT_THRESHOLD))
        gone = [c.before for c in diff.changes if c.kind is ChangeKind.REMOVED]
        gone += [c.before for c in diff.changes if c.kind is ChangeKind.RENAMED]
        if threshold <= 0 or len(gone) < threshold:
            return
        gone.sort(key=lambda r: (r.path, r.pos.line))
        # a removed block is where the reviewer sees red lines; a renamed one is still there
        removed = {id(c.before) for c in diff.changes if c.kind is ChangeKind.REMOVED}
        first = next((r for r in gone if id(r) in removed), gone[0])
        anchor = Location(diff.stack or ".", first.path, first.pos)
        names = ", ".join(r.address for r in gone[:5]) + (" ..." if len(gone) > 5 else "")
        where = f"module directory {diff.stack!r}" if first.language == "terraform" else f"stack {diff.stack!r}"
        if first.language == "terraform" and not diff.stack:
            where = "the root module"
        yield self.finding(
            anchor,
            f"{len(gone)} resources are destroyed at once in {where}: {names}",
            help="split the removal into reviewed steps, or suppress with a reason if it is intended",
            resources=[r.address for r in gone],
            removed=True,
        )

    def _planned(self, facts: PlanFacts, ctx: Context) -> Iterator[Finding]:
        deleted = [p.address for p in facts.of("delete")]
        threshold = int(ctx.setting("broad_deletion_threshold", DEFAULT_THRESHOLD))
        if threshold <= 0 or len(deleted) < threshold:
            return
        names = ", ".join(deleted[:5]) + (" ..." if len(deleted) > 5 else "")
        verb = "the change set removes" if facts.kind == "cloudformation" else "the plan destroys"
        yield planned(self, facts, deleted[0], f"{verb} {len(deleted)} resources at once: {names}",
                      help="split the removal into reviewed steps, or suppress with a reason if it is intended",
                      resources=deleted)
