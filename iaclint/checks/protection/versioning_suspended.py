from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import MISSING, fmt_value, get_path
from iaclint.engine.check import Check, Context, is_true
from iaclint.core.model import Category, ChangeKind, Finding, Severity, StackDiff

# (resource type, path, protective value); a value compared case-insensitively
VERSIONING = [
    ("aws_s3_bucket_versioning", "versioning_configuration.status", "enabled"),
    ("aws_s3_bucket", "versioning.enabled", "true"),
    ("google_storage_bucket", "versioning.enabled", "true"),
    ("azurerm_storage_account", "blob_properties.versioning_enabled", "true"),
    ("AWS::S3::Bucket", "VersioningConfiguration.Status", "enabled"),
]


class VersioningSuspended(Check):
    """## What it does
    Flags object versioning suspended or removed on a bucket or storage account
    (`aws_s3_bucket_versioning`, `versioning { enabled }`, `VersioningConfiguration`), including
    removing the `aws_s3_bucket_versioning` resource, which suspends versioning.

    ## Why is this bad?
    Versioning is what lets you recover overwritten and deleted objects. Suspending it does not
    delete anything today; it makes tomorrow's mistake unrecoverable.

    ## Example
    ```hcl
    versioning_configuration {
      status = "Suspended"   # was "Enabled"
    }
    ```

    ## Use instead
    Keep versioning enabled; use lifecycle rules to expire old versions if cost is the concern.
    """

    code = "IAC205"
    name = "versioning-suspended"
    category = Category.PROTECTION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for change in diff.changes:
            r = change.before or change.after
            for rtype, path, want in VERSIONING:
                if r.type != rtype:
                    continue
                if change.kind is ChangeKind.REMOVED and rtype == "aws_s3_bucket_versioning":
                    if _on(get_path(change.before.body, path), want):
                        yield self.finding(
                            change.before,
                            f"{r.address} is removed: removing aws_s3_bucket_versioning suspends versioning on the bucket",
                            help="keep the resource with status = \"Enabled\"",
                            removed=True,
                        )
                    continue
                # a rename too: with a `moved` block added, what remains is the suspension
                if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED, ChangeKind.RENAMED):
                    continue
                before_v = get_path(change.before.body, path)
                after_v = get_path(change.after.body, path)
                if _on(before_v, want) and _on(after_v, want) is False:
                    a = change.after
                    yield self.finding(
                        a,
                        f"{a.address}: versioning turned off (`{path}` "
                        f"{'removed' if after_v is MISSING else f'switched to {fmt_value(after_v)}'})",
                        help="keep versioning enabled; expire old versions with lifecycle rules instead",
                        pos=a.pos_of(path) if after_v is not MISSING else a.pos,
                    )


def _on(value, want: str) -> bool | None:
    if value is MISSING or value is None:
        return False
    if not isinstance(value, (str, bool)):
        return None
    if want == "true":
        return is_true(value)
    return isinstance(value, str) and value.lower() == want
