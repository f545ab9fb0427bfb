"""What each language knows about a stack beyond its resources, as typed records.

Rules read these through `isinstance` (a rule for Terraform module calls looks at
`TerraformFacts` and nothing else), so a renamed field is an error at once, not a silently
skipped check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from iaclint.core.model import Pos


@dataclass
class ModuleCall:
    """A Terraform `module` block, as called from a root module (nested calls included)."""

    address: str  # module.db, module.a.module.b
    path: str
    pos: Pos
    source: str
    local_dir: str | None
    body: dict[str, Any]
    meta: dict[str, Any]
    comments: list = field(default_factory=list)


@dataclass
class TerraformFacts:
    module_calls_removed: list[ModuleCall] = field(default_factory=list)
    module_calls_renamed: list[tuple[ModuleCall, ModuleCall]] = field(default_factory=list)
    # calls on both sides whose count/for_each changed: instances may go (IAC304) or be re-keyed (IAC105)
    module_calls_kept: list[tuple[ModuleCall, ModuleCall]] = field(default_factory=list)
    # calls on both sides whose source after the change iaclint cannot read (a local module
    # switched to its registry or git copy, a version bump): (before, after)
    module_calls_unseen: list[tuple[ModuleCall, ModuleCall]] = field(default_factory=list)
    # a whole example or test-fixture configuration (under examples/, test/, fixtures/) is gone:
    # nothing is destroyed, nobody applies examples
    root_deleted: bool = False
    # provider `features` flags (azurerm): key -> (value, path, pos)
    provider_features_before: dict[str, tuple[Any, str, Pos]] = field(default_factory=dict)
    provider_features_after: dict[str, tuple[Any, str, Pos]] = field(default_factory=dict)


@dataclass
class CloudFormationFacts:
    template_before: Any = None  # languages.cloudformation.template.ParsedTemplate
    template_after: Any = None


@dataclass
class CdkFacts:
    termination_protection_before: Any = None
    termination_protection_after: Any = None
    stack_pos: Pos | None = None  # where the stack is instantiated after the change


@dataclass
class PulumiFacts:
    pass
