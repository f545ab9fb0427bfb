from __future__ import annotations

from typing import Iterator

from iaclint.core.facts import PlanFacts
from iaclint.core.model import Category, ChangeKind, Finding, Severity, StackDiff
from iaclint.engine.check import Check, Context


class OutOfScope(Check):
    """## What it does
    When the change declares its scope (`iaclint diff --scope GLOB`, `--scope-file FILE`, the MCP
    tools' `scope` argument), flags every resource the change creates, changes, replaces or
    removes that no glob of the scope names, including one it replaces only through a cascade
    (IAC107). Globs match Terraform addresses
    (`module.app.*`), CloudFormation logical IDs and, for CDK, logical IDs or construct paths
    (`Storage/Orders`). Without a declared scope the rule is silent.

    ## Why is this bad?
    An agent asked to change one bucket that "while it was there also cleaned up" a security
    group, a queue or a DNS record makes a change nobody asked for and nobody reviews with
    care. No attribute rule flags such an edit: it may be perfectly safe on its own, and still
    not be what was declared. Only resources the change touches count; a reformatted file
    touches nothing.

    ## Example
    ```hcl
    # iaclint diff --base main --scope 'aws_s3_bucket.logs'
    resource "aws_s3_bucket" "logs" {
      bucket = "acme-logs-v2"           # in scope
    }
    resource "aws_security_group" "web" {
      description = "tidied up"         # out of scope: flagged
    }
    ```

    ## Use instead
    Revert the edits outside the scope and make them in their own change, or, if they are
    intended, declare them: `--scope 'aws_security_group.web'`.
    """

    code = "IAC410"
    name = "out-of-scope"
    category = Category.OUT_OF_SCOPE
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        from iaclint.core.scope import in_scope

        patterns = ctx.setting("scope", None)
        if patterns is None or isinstance(diff.facts, PlanFacts):
            return  # no scope declared; a plan's verdicts are on the resources the source change already named
        shown = _shown(patterns)
        reported: set[str] = set()
        for change in diff.changes:
            if change.after is not None:
                reported.add(change.after.address)
            verb = self._verb(change, ctx)
            if verb is None:
                continue
            sides = [r for r in (change.before, change.after) if r is not None]
            if all(in_scope(r, patterns) for r in sides):
                continue
            r = change.after or change.before
            outside = next(s for s in sides if not in_scope(s, patterns))
            addresses = list(dict.fromkeys(s.address for s in sides))
            name = " → ".join(addresses)
            yield self.finding(
                r,
                f"{name} ({r.type}) is {verb}, outside the declared scope ({shown})",
                help=f"revert this edit and make it in its own change, or declare it: --scope '{outside.address}'",
                resources=addresses,
                extra={"scope": list(patterns), "action": verb},
                removed=change.after is None,
            )
        # untouched in the source, yet destroyed: replaced with a resource the change replaces
        for dep, root in sorted(ctx.cascaded.items()):
            r = diff.after_resources.get(dep)
            if dep in reported or r is None or in_scope(r, patterns):
                continue
            yield self.finding(
                r,
                f"{dep} ({r.type}) is destroyed with {root} (IAC107), outside the declared scope ({shown})",
                help=f"avoid the replacement of {root}, or declare what it takes down: --scope '{dep}'",
                extra={"scope": list(patterns), "action": "destroyed", "root": root},
            )

    @staticmethod
    def _verb(change, ctx: Context) -> str | None:
        """What the change does to the resource, or None when it touches nothing."""
        kind = change.kind
        if kind is ChangeKind.ADDED:
            return "created"
        if kind is ChangeKind.REMOVED:
            return "removed"
        if kind is ChangeKind.FORGOTTEN:
            return "removed from management"
        if kind is ChangeKind.RENAMED:
            return "renamed (destroyed and re-created)"
        if change.after is not None and change.after.address in ctx.cascaded:
            return f"destroyed with {ctx.cascaded[change.after.address]} (IAC107)"
        if not change.changed_paths:
            return None  # a move with nothing else changed: the same object under a new name
        found = ctx.replaced.get(change.after.address) if change.after is not None else None
        if found is not None and found.severity is not Severity.NOTE:
            return "replaced"
        return "changed"


SHOWN_GLOBS = 5  # a scope file may hold hundreds of globs: each message names only the first few


def _shown(patterns: list[str]) -> str:
    if not patterns:
        return "nothing"
    head = ", ".join(f"`{p}`" for p in patterns[:SHOWN_GLOBS])
    rest = len(patterns) - SHOWN_GLOBS
    return head + (f" and {rest} more" if rest > 0 else "")
