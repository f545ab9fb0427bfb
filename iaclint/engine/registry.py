"""The explicit list of rules. Adding a rule is one line here; nothing is discovered by walking folders."""

from __future__ import annotations

from iaclint.checks.command.data_deletion_command import DataDeletionCommand
from iaclint.checks.command.destroy_command import DestroyCommand
from iaclint.checks.command.destructive_sql_command import DestructiveSqlCommand
from iaclint.checks.command.protection_disabled_command import ProtectionDisabledCommand
from iaclint.checks.command.replace_command import ReplaceCommand
from iaclint.checks.command.state_removal_command import StateRemovalCommand
from iaclint.checks.command.unreviewed_apply_command import UnreviewedApplyCommand
from iaclint.checks.drift.drift_reverted import DriftReverted
from iaclint.checks.deletion.broad_deletion import BroadDeletion
from iaclint.checks.deletion.instances_removed import InstancesRemoved
from iaclint.checks.deletion.module_call_removed import ModuleCallRemoved
from iaclint.checks.deletion.protected_resource_deleted import ProtectedResourceDeleted
from iaclint.checks.deletion.stateful_resource_deleted import StatefulResourceDeleted
from iaclint.checks.parse.meta_rules import DuplicateKey, ParseError, ParseErrorBefore, SuppressionWithoutReason, UnusedSuppression
from iaclint.checks.protection.backup_retention_zeroed import BackupRetentionZeroed
from iaclint.checks.protection.auto_delete_objects_enabled import AutoDeleteObjectsEnabled
from iaclint.checks.protection.deletion_policy_weakened import DeletionPolicyWeakened
from iaclint.checks.protection.retain_on_delete_removed import RetainOnDeleteRemoved
from iaclint.checks.protection.termination_protection_disabled import TerminationProtectionDisabled
from iaclint.checks.protection.deletion_protection_disabled import DeletionProtectionDisabled
from iaclint.checks.protection.final_snapshot_removed import FinalSnapshotRemoved
from iaclint.checks.protection.force_destroy_enabled import ForceDestroyEnabled
from iaclint.checks.protection.management_lock_removed import ManagementLockRemoved
from iaclint.checks.protection.prevent_destroy_removed import PreventDestroyRemoved
from iaclint.checks.protection.provider_protection_disabled import ProviderProtectionDisabled
from iaclint.checks.protection.versioning_suspended import VersioningSuspended
from iaclint.checks.replacement.conditional_replacement_attribute_changed import ConditionalReplacementAttributeChanged
from iaclint.checks.replacement.force_new_attribute_changed import ForceNewAttributeChanged
from iaclint.checks.replacement.instance_keys_changed import InstanceKeysChanged
from iaclint.checks.replacement.module_renamed_without_moved import ModuleRenamedWithoutMoved
from iaclint.checks.replacement.replacement_cascade import ReplacementCascade
from iaclint.checks.replacement.resource_renamed_without_moved import ResourceRenamedWithoutMoved
from iaclint.checks.replacement.resource_type_changed import ResourceTypeChanged
from iaclint.checks.scope.out_of_scope import OutOfScope
from iaclint.engine.check import Check

# Run in this order: the replacement rules before IAC107 (ReplacementCascade), which follows
# the replacements they found (`Context.replaced`).
RULES: list[type[Check]] = [
    ParseError,
    ParseErrorBefore,
    SuppressionWithoutReason,
    UnusedSuppression,
    DuplicateKey,
    ForceNewAttributeChanged,
    ConditionalReplacementAttributeChanged,
    ResourceRenamedWithoutMoved,
    ResourceTypeChanged,
    InstanceKeysChanged,
    ModuleRenamedWithoutMoved,
    ReplacementCascade,
    DeletionProtectionDisabled,
    PreventDestroyRemoved,
    ForceDestroyEnabled,
    FinalSnapshotRemoved,
    VersioningSuspended,
    BackupRetentionZeroed,
    ProviderProtectionDisabled,
    ManagementLockRemoved,
    DeletionPolicyWeakened,
    AutoDeleteObjectsEnabled,
    RetainOnDeleteRemoved,
    TerminationProtectionDisabled,
    StatefulResourceDeleted,
    ProtectedResourceDeleted,
    ModuleCallRemoved,
    InstancesRemoved,
    BroadDeletion,
    # commands an agent is about to run (`iaclint check-command`): they read CommandFacts only
    DestroyCommand,
    ReplaceCommand,
    StateRemovalCommand,
    DataDeletionCommand,
    DestructiveSqlCommand,
    ProtectionDisabledCommand,
    UnreviewedApplyCommand,
    # what a plan reverts or re-creates of the changes made outside Terraform (resource_drift)
    DriftReverted,
    OutOfScope,  # last: reads every replacement found (`Context.replaced`) to say "replaced"
]

BY_CODE = {r.code: r for r in RULES}
BY_NAME = {r.name: r for r in RULES}


def lookup(code_or_name: str) -> type[Check] | None:
    key = code_or_name.strip()
    return BY_CODE.get(key.upper()) or BY_NAME.get(key.lower())
