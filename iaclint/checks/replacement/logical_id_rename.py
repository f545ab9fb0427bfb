"""What CloudFormation does when a logical ID is renamed, by the old resource's DeletionPolicy.

A renamed logical ID is a resource removed and another added. CloudFormation creates the new
one first, then, in the clean-up phase, disposes of the old one as its DeletionPolicy says:
Delete (the default, except for RDS) deletes it, Snapshot deletes it after a final snapshot
(of the types that have snapshots; the default for RDS clusters and instances), Retain and
RetainExceptOnCreate (the old one was not created by this update) leave it in the account,
outside the stack. A new resource with the same physical name as the old one (`BucketName`,
`TableName`, `DBInstanceIdentifier`) cannot be created while the old one exists, so then the
update fails and rolls back whatever the policy.
"""

from __future__ import annotations

from iaclint.checks.common import MISSING, get_path, severity_for, shown_value, what_holds
from iaclint.core.model import Expr, Resource, Severity
from iaclint.engine.check import Context

RETAINING = ("Retain", "RetainExceptOnCreate")
# the types a Snapshot policy snapshots (CloudFormation's DeletionPolicy documentation)
SNAPSHOT_TYPES = {
    "AWS::EC2::Volume", "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ReplicationGroup",
    "AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::Redshift::Cluster", "AWS::Neptune::DBCluster",
    "AWS::DocDB::DBCluster",
}
# types whose physical name property is not `<Type>Name` / `<Type>Identifier` / `<Type>Id`
_NAME_KEYS = {
    "AWS::Kinesis::Stream": "Name",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::SSM::Parameter": "Name",
    "AWS::Events::Rule": "Name",
    "AWS::ElastiCache::CacheCluster": "ClusterName",
}


def fixed_name(old: Resource, new: Resource) -> str | None:
    """The physical name property both sides set to the same value, shown as written; None when
    the new resource gets a name of its own (generated, or a different one)."""
    suffix = new.type.rsplit("::", 1)[-1]
    keys = [_NAME_KEYS[new.type]] if new.type in _NAME_KEYS else [suffix + "Name", suffix + "Identifier", suffix + "Id"]
    for key in keys:
        value = get_path(new.body, key)
        if value is MISSING or value is None or value != get_path(old.body, key):
            continue
        return f"`{key}` {shown_value(new, key, value)}"
    return None


def policy_of(resource: Resource) -> str | Expr | None:
    """The DeletionPolicy CloudFormation applies: the written one, else its default (Snapshot for
    RDS clusters, and for RDS instances outside a cluster; Delete for everything else)."""
    policy = resource.meta.get("deletion_policy")
    if policy is None and (resource.type == "AWS::RDS::DBCluster" or (
            resource.type == "AWS::RDS::DBInstance" and get_path(resource.body, "DBClusterIdentifier") is MISSING)):
        return "Snapshot"
    return policy


def outcome(ctx: Context, old: Resource, new: Resource, renamed: str | None = None) -> tuple[str, str, Severity]:
    """(message, help, severity) for `old` renamed to `new`; `renamed` says how (a CDK construct
    path) where that is more than the logical IDs."""
    policy = policy_of(old)
    snapshot_ignored = policy == "Snapshot" and old.type not in SNAPSHOT_TYPES
    if snapshot_ignored:
        policy = "Delete"
    name = fixed_name(old, new)
    renamed = renamed or f"logical ID {old.address} renamed to {new.address}"
    refactor = (f"keep the logical ID {old.address}, or rename it with CloudFormation stack refactoring "
                f"(`aws cloudformation create-stack-refactor`: no replacement)")
    not_snapshot = f" (DeletionPolicy Snapshot takes no snapshot of {old.type})" if snapshot_ignored else ""
    if name is not None:
        if policy in RETAINING:
            then = f"its DeletionPolicy {policy} would keep the old one in the account even then"
        elif policy == "Snapshot":
            then = "with another name it would go through, and the old one would be deleted after a final snapshot"
        else:
            then = (f"with another name it would go through, and the old one would be deleted"
                    f"{not_snapshot}{what_holds(ctx, old)}")
        return (f"{renamed}: CloudFormation creates the new {new.type} before it removes the old one, with the same "
                f"{name}: the name is taken, so the creation fails and the update rolls back; {then}",
                f"{refactor}; a new resource beside the old one needs a name of its own",
                Severity.WARNING if policy in RETAINING else severity_for(ctx, old))
    if policy in RETAINING:
        return (f"{renamed}: its DeletionPolicy {policy} keeps the old {old.type} with its data, but it leaves the "
                f"stack (orphaned, no longer managed); CloudFormation creates a new, empty one under {new.address}, "
                f"and everything that refers to the logical ID now gets the new one",
                f"{refactor}; or, if a new resource is intended, move the data to it and delete or import the "
                f"retained one by hand",
                Severity.WARNING)
    if policy == "Snapshot":
        return (f"{renamed}: CloudFormation creates a new, empty {new.type} under {new.address} and deletes the old "
                f"one after a final snapshot; its data is left only in the snapshot",
                f"{refactor}; or restore the new one from the snapshot after the update",
                severity_for(ctx, old))
    unknown = f" (unless its computed DeletionPolicy `{policy.text}` keeps it)" if isinstance(policy, Expr) else ""
    return (f"{renamed}: CloudFormation creates a new {new.type} under {new.address} and deletes the old "
            f"one{unknown}{not_snapshot}{what_holds(ctx, old)}",
            f"{refactor}; if a new resource is intended, set `DeletionPolicy: Retain` on the old one first",
            severity_for(ctx, old))
