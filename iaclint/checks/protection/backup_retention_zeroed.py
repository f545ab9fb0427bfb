from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import MISSING, get_path
from iaclint.engine.check import Check, Context, is_false
from iaclint.core.model import Category, ChangeKind, Finding, Severity, StackDiff

# (resource type, path, kind): "days" numbers where 0 disables backups, "flag" booleans
RETENTION = [
    ("aws_db_instance", "backup_retention_period", "days"),
    ("aws_rds_cluster", "backup_retention_period", "days"),
    ("aws_docdb_cluster", "backup_retention_period", "days"),
    ("aws_neptune_cluster", "backup_retention_period", "days"),
    ("aws_elasticache_replication_group", "snapshot_retention_limit", "days"),
    ("aws_elasticache_cluster", "snapshot_retention_limit", "days"),
    ("aws_redshift_cluster", "automated_snapshot_retention_period", "days"),
    ("google_sql_database_instance", "settings.backup_configuration.enabled", "flag"),
    ("AWS::RDS::DBInstance", "BackupRetentionPeriod", "days"),
    ("AWS::RDS::DBCluster", "BackupRetentionPeriod", "days"),
    ("AWS::ElastiCache::ReplicationGroup", "SnapshotRetentionLimit", "days"),
    ("AWS::Redshift::Cluster", "AutomatedSnapshotRetentionPeriod", "days"),
]


class BackupRetentionZeroed(Check):
    """## What it does
    Flags automated backups turned off: a backup retention period set to 0
    (`backup_retention_period`, `snapshot_retention_limit`, `BackupRetentionPeriod`...) or a
    backup configuration disabled.

    ## Why is this bad?
    With retention 0 the provider deletes the existing automated backups, and point-in-time
    recovery is gone the moment it is applied.

    ## Example
    ```hcl
    resource "aws_db_instance" "main" {
      backup_retention_period = 0   # was 7
    }
    ```

    ## Use instead
    Keep a retention of at least one day on databases that hold data.
    """

    code = "IAC206"
    name = "backup-retention-zeroed"
    category = Category.PROTECTION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for change in diff.changes:
            if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED):
                continue
            a = change.after
            for rtype, path, kind in RETENTION:
                if a.type != rtype:
                    continue
                before_v = get_path(change.before.body, path)
                after_v = get_path(a.body, path)
                if kind == "days":
                    if _days(before_v) and _days(after_v) == 0 and after_v is not MISSING:
                        yield self.finding(
                            a,
                            f"{a.address}: `{path}` set to 0 (was {before_v}): automated backups are turned off and deleted",
                            help="keep a retention period of at least 1 day",
                            pos=a.pos_of(path),
                        )
                elif kind == "flag" and not is_false(before_v) and before_v is not MISSING and is_false(after_v):
                    yield self.finding(
                        a,
                        f"{a.address}: `{path}` set to false: automated backups are turned off",
                        help="keep backups enabled",
                        pos=a.pos_of(path),
                    )


def _days(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
