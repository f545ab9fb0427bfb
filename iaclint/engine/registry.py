"""The explicit list of rules. Adding a rule is one line here; nothing is discovered by walking folders.

Each line names a rule's code, its name, where its class is (a module under `iaclint.checks`)
and what it reads: `changes` (every stack diff: source changes, and a plan's verdicts through
`_planned`), `plan` (a plan's facts only) or `commands` (`CommandFacts` only). A run imports the
rule modules it runs, not all of them: a hook pays neither for the command rules nor for the
plan's drift rule. `RULES`, `BY_CODE` and `BY_NAME` (every rule, for `iaclint rules` and the
docs) import them all on first use; `tests/test_registry.py` checks each line against its class.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iaclint.engine.check import Check

# Run in this order: the replacement rules before IAC107 (ReplacementCascade), which follows
# the replacements they found (`Context.replaced`).
TABLE: list[tuple[str, str, str, str]] = [  # (code, name, "module:Class" under iaclint.checks, what it reads)
    ("IAC001", "parse-error", "parse.meta_rules:ParseError", "changes"),
    ("IAC002", "parse-error-before", "parse.meta_rules:ParseErrorBefore", "changes"),
    ("IAC003", "suppression-without-reason", "parse.meta_rules:SuppressionWithoutReason", "changes"),
    ("IAC004", "unused-suppression", "parse.meta_rules:UnusedSuppression", "changes"),
    ("IAC005", "duplicate-key", "parse.meta_rules:DuplicateKey", "changes"),
    ("IAC101", "force-new-attribute-changed", "replacement.force_new_attribute_changed:ForceNewAttributeChanged", "changes"),
    ("IAC102", "conditional-replacement-attribute-changed", "replacement.conditional_replacement_attribute_changed:ConditionalReplacementAttributeChanged", "changes"),
    ("IAC103", "resource-renamed-without-moved", "replacement.resource_renamed_without_moved:ResourceRenamedWithoutMoved", "changes"),
    ("IAC104", "resource-type-changed", "replacement.resource_type_changed:ResourceTypeChanged", "changes"),
    ("IAC105", "instance-keys-changed", "replacement.instance_keys_changed:InstanceKeysChanged", "changes"),
    ("IAC106", "module-renamed-without-moved", "replacement.module_renamed_without_moved:ModuleRenamedWithoutMoved", "changes"),
    ("IAC107", "replacement-cascade", "replacement.replacement_cascade:ReplacementCascade", "changes"),
    ("IAC201", "deletion-protection-disabled", "protection.deletion_protection_disabled:DeletionProtectionDisabled", "changes"),
    ("IAC202", "prevent-destroy-removed", "protection.prevent_destroy_removed:PreventDestroyRemoved", "changes"),
    ("IAC203", "force-destroy-enabled", "protection.force_destroy_enabled:ForceDestroyEnabled", "changes"),
    ("IAC204", "final-snapshot-removed", "protection.final_snapshot_removed:FinalSnapshotRemoved", "changes"),
    ("IAC205", "versioning-suspended", "protection.versioning_suspended:VersioningSuspended", "changes"),
    ("IAC206", "backup-retention-zeroed", "protection.backup_retention_zeroed:BackupRetentionZeroed", "changes"),
    ("IAC207", "provider-protection-disabled", "protection.provider_protection_disabled:ProviderProtectionDisabled", "changes"),
    ("IAC208", "management-lock-removed", "protection.management_lock_removed:ManagementLockRemoved", "changes"),
    ("IAC209", "deletion-policy-weakened", "protection.deletion_policy_weakened:DeletionPolicyWeakened", "changes"),
    ("IAC210", "auto-delete-objects-enabled", "protection.auto_delete_objects_enabled:AutoDeleteObjectsEnabled", "changes"),
    ("IAC211", "retain-on-delete-removed", "protection.retain_on_delete_removed:RetainOnDeleteRemoved", "changes"),
    ("IAC212", "termination-protection-disabled", "protection.termination_protection_disabled:TerminationProtectionDisabled", "changes"),
    ("IAC301", "stateful-resource-deleted", "deletion.stateful_resource_deleted:StatefulResourceDeleted", "changes"),
    ("IAC302", "protected-resource-deleted", "deletion.protected_resource_deleted:ProtectedResourceDeleted", "changes"),
    ("IAC303", "module-call-removed", "deletion.module_call_removed:ModuleCallRemoved", "changes"),
    ("IAC304", "instances-removed", "deletion.instances_removed:InstancesRemoved", "changes"),
    ("IAC305", "broad-deletion", "deletion.broad_deletion:BroadDeletion", "changes"),
    # commands an agent is about to run (`iaclint check-command`): they read CommandFacts only
    ("IAC401", "destroy-command", "command.destroy_command:DestroyCommand", "commands"),
    ("IAC402", "replace-command", "command.replace_command:ReplaceCommand", "commands"),
    ("IAC403", "state-removal-command", "command.state_removal_command:StateRemovalCommand", "commands"),
    ("IAC404", "data-deletion-command", "command.data_deletion_command:DataDeletionCommand", "commands"),
    ("IAC405", "destructive-sql-command", "command.destructive_sql_command:DestructiveSqlCommand", "commands"),
    ("IAC406", "protection-disabled-command", "command.protection_disabled_command:ProtectionDisabledCommand", "commands"),
    ("IAC407", "unreviewed-apply-command", "command.unreviewed_apply_command:UnreviewedApplyCommand", "commands"),
    # what a plan reverts or re-creates of the changes made outside Terraform (resource_drift)
    ("IAC501", "drift-reverted", "drift.drift_reverted:DriftReverted", "plan"),
    ("IAC410", "out-of-scope", "scope.out_of_scope:OutOfScope", "changes"),  # last: reads every replacement found (`Context.replaced`) to say "replaced"
]

READS = ("changes", "plan", "commands")
CODES = [code for code, _, _, _ in TABLE]
NAMES = [name for _, name, _, _ in TABLE]
_LOADED: dict[str, type[Check]] = {}


def rule_class(code: str) -> type[Check]:
    """The class of the rule with this code (KeyError if there is none); imports its module only."""
    cls = _LOADED.get(code)
    if cls is None:
        where = next(w for c, _, w, _ in TABLE if c == code) if code in CODES else None
        if where is None:
            raise KeyError(code)
        module, _, name = where.partition(":")
        cls = _LOADED[code] = getattr(importlib.import_module(f"iaclint.checks.{module}"), name)
    return cls


def rules_reading(*reads: str) -> list[type[Check]]:
    """The rules that read any of `reads`, in the registry's order."""
    unknown = set(reads) - set(READS)
    if unknown:
        raise ValueError(f"unknown kind of input: {sorted(unknown)}")
    return [rule_class(code) for code, _, _, r in TABLE if r in reads]


def lookup(code_or_name: str) -> type[Check] | None:
    key = code_or_name.strip()
    if key.upper() in CODES:
        return rule_class(key.upper())
    if key.lower() in NAMES:
        return rule_class(CODES[NAMES.index(key.lower())])
    return None


def __getattr__(name: str):
    # every rule, imported on first use (module-level __getattr__: `from ... import RULES` works)
    if name == "RULES":
        return [rule_class(code) for code in CODES]
    if name == "BY_CODE":
        return {code: rule_class(code) for code in CODES}
    if name == "BY_NAME":
        return {n: rule_class(code) for code, n in zip(CODES, NAMES)}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
