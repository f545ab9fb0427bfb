from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import MISSING, get_path
from iaclint.core.model import Category, ChangeKind, Finding, Severity, StackDiff
from iaclint.engine.check import Check, Context


class FinalSnapshotRemoved(Check):
    """## What it does
    Flags the removal of a final snapshot name (`final_snapshot_identifier` and similar settings
    whose presence makes a destroy keep a copy of the data).

    ## Why is this bad?
    Without it, destroying the database (or replacing it) keeps no copy of the data.

    ## Example
    ```hcl
    resource "aws_rds_cluster" "main" {
      # final_snapshot_identifier = "main-final"   <- removed
    }
    ```

    ## Use instead
    Keep a final snapshot name on every database that holds data you need.
    """

    code = "IAC204"
    name = "final-snapshot-removed"
    category = Category.PROTECTION
    severity = Severity.WARNING

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for change in diff.changes:
            if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED):
                continue
            b, a = change.before, change.after
            for fact in ctx.packs.protection(a.type):
                if fact.value != "non-empty string":
                    continue
                before_v = get_path(b.body, fact.key)
                after_v = get_path(a.body, fact.key)
                if before_v in (MISSING, None, ""):
                    continue
                # `skip_final_snapshot = true` before: the name was never used, no snapshot was kept
                skip = get_path(b.body, "skip_final_snapshot")
                if skip is True or skip == "true":
                    continue
                if after_v in (MISSING, None, ""):
                    yield self.finding(
                        a,
                        f"{a.address}: `{fact.key}` removed: destroying it will keep no final snapshot",
                        help=f"keep `{fact.key}` set",
                        pos=a.pos_of(fact.key) if after_v is not MISSING else a.pos,
                    )
