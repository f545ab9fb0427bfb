from __future__ import annotations

from typing import Iterator

from iaclint.engine.check import Check, Context, is_false, is_true
from iaclint.core.model import Location, Category, Finding, Severity, StackDiff
from iaclint.core.facts import TerraformFacts


class ProviderProtectionDisabled(Check):
    """## What it does
    Flags provider-level safety switches turned off, such as azurerm's
    `features { resource_group { prevent_deletion_if_contains_resources = false } }` or
    `features { key_vault { purge_soft_delete_on_destroy = true } }`.

    ## Why is this bad?
    These switches guard every resource the provider manages. Turning one off lets a single
    resource-group deletion take every resource inside it, including ones Terraform does not manage.

    ## Example
    ```hcl
    provider "azurerm" {
      features {
        resource_group { prevent_deletion_if_contains_resources = false }
      }
    }
    ```

    ## Use instead
    Keep the provider defaults; delete contents explicitly when you mean to.
    """

    code = "IAC207"
    name = "provider-protection-disabled"
    category = Category.PROTECTION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        if not isinstance(diff.facts, TerraformFacts):
            return
        before = diff.facts.provider_features_before
        after = diff.facts.provider_features_after
        if not diff.before_count and not before:
            return  # a new configuration: nothing existing loses a guard
        for key, (want, source) in _switches(ctx).items():
            b = before.get(key)
            a = after.get(key)
            b_val = b[0] if b else None
            a_val = a[0] if a else None
            if _protective(b_val, want, key) and _protective(a_val, want, key) is False:
                path, pos = (a[1], a[2]) if a else (b[1], b[2])
                anchor = Location(f"provider.{key.split('.')[0]}", path, pos)
                yield self.finding(
                    anchor,
                    f"provider feature `{key}` turned off (now {a_val!r}, protective value {want})",
                    help="keep the provider's protective default",
                    extra={"source": source},
                )


# Switches whose provider default is the protective value, so leaving them unset protects.
# From the azurerm provider's "features block" documentation (website/docs/guides/features-block.html.markdown);
# for the others (key_vault purge_*, virtual_machine delete_os_disk_on_deletion...) the default
# is the destructive value and unset means unprotected.
PROTECTIVE_DEFAULTS = {
    "resource_group.prevent_deletion_if_contains_resources",
    "netapp.prevent_volume_destruction",
    "netapp.delete_backups_on_backup_vault_destroy",
    "log_analytics_workspace.permanently_delete_on_destroy",
    "machine_learning.purge_soft_deleted_workspace_on_destroy",
    "recovery_service.purge_protected_items_from_vault_on_destroy",
    "virtual_machine.skip_shutdown_and_force_delete",
    "virtual_machine_scale_set.force_delete",
    "databricks_workspace.force_delete",
}


def _protective(value, want: str, key: str = "") -> bool | None:
    if value is None:
        return key.split(".", 1)[-1] in PROTECTIVE_DEFAULTS
    if want == "true":
        return is_true(value)
    if want == "false":
        return is_false(value)
    return None


def _switches(ctx: Context) -> dict[str, tuple[str, str]]:
    out = {}
    for fact in ctx.packs.features("azurerm"):
        out[f"azurerm.{fact.resource_type}.{fact.key}"] = (fact.value, fact.source)
    return out

