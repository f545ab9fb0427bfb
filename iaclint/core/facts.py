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
    """What Terraform's loader knows besides resources: module calls and their fate, provider features."""

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
    # provider type -> (the lowest version the root module may run as (major, minor, patch), or
    # None for the newest the packs know; why: a lock file, a constraint, nothing; the exclusive
    # upper end of what it may run, or None: unbounded)
    provider_versions: dict[str, tuple[Any, str, Any]] = field(default_factory=dict)


@dataclass
class CloudFormationFacts:
    """Both sides' parsed templates."""

    template_before: Any = None  # languages.cloudformation.template.ParsedTemplate
    template_after: Any = None
    # a stack of a synthesized CDK cloud assembly: its manifest's `terminationProtection` on each side,
    # and where the manifest says it after the change
    termination_protection_before: Any = None
    termination_protection_after: Any = None
    manifest: str | None = None
    manifest_pos: Pos | None = None


@dataclass
class CdkFacts:
    """A CDK stack's termination protection on both sides, and where the stack is created."""

    termination_protection_before: Any = None
    termination_protection_after: Any = None
    stack_pos: Pos | None = None  # where the stack is instantiated after the change


@dataclass
class PulumiFacts:
    """Nothing yet beyond the resources."""


@dataclass
class Invocation:
    """One program a command line runs, seen through its wrappers (`sudo`, `env X=1`,
    `bash -c "..."`): what `iaclint check-command` judges. Rules read `program` and `args`;
    `shown` is the segment as written, secrets redacted, for messages."""

    program: str  # the base name: terraform, tofu, aws, psql, ...
    args: list[str]
    shown: str
    stdin: str | None = None  # a here-document or here-string the program reads (SQL for psql)
    cwd: str | None = None  # the directory an earlier `cd` in the same line moved to


@dataclass
class CommandFacts:
    """A command line as one stack diff: the programs it runs, in order."""

    invocations: list[Invocation] = field(default_factory=list)


@dataclass
class Drift:
    """A resource the plan found changed or deleted outside Terraform (`resource_drift`), beside
    what the apply then does to it. Attribute paths only: a drifted value is never kept."""

    address: str
    type: str
    deleted: bool  # gone outside Terraform
    paths: list[list] = field(default_factory=list)  # attributes whose refreshed value differs (path steps)
    planned_action: str | None = None  # the apply's action on it: update, no-op, create, replace, delete
    planned_paths: list[list] = field(default_factory=list)  # attributes the apply changes (known after apply too)


@dataclass
class PlannedResource:
    """One resource as a Terraform plan or a CloudFormation change set says it will change: the
    provider's own verdict, read as written. The rules decide what it means (`checks/planned.py`)."""

    address: str  # aws_db_instance.orders, module.a["x"].aws_s3_bucket.b[0], or a logical ID
    type: str
    action: str  # replace | delete | update | import | conditional (CloudFormation's Replacement: Conditional)
    create_first: bool = False  # create_before_destroy
    reason: str | None = None  # Terraform's action_reason
    replace_paths: list[str] = field(default_factory=list)  # `ebs_block_device[0].volume_size`, or property names
    attr: str = ""  # the first of them as a dotted path without indexes (matched with static findings)
    policy: str | None = None  # CloudFormation's PolicyAction
    # Terraform: the values on each side and the plan's masks (sensitive, known after apply)
    before: Any = None
    after: Any = None
    before_sensitive: Any = None
    after_sensitive: Any = None
    after_unknown: Any = None
    # CloudFormation: ResourceChange.Details[].Target, as given
    targets: list[dict] = field(default_factory=list)


@dataclass
class PlanFacts:
    """A plan or change set, as one stack diff: its changes are the provider's verdicts."""

    kind: str  # terraform | cloudformation
    label: str  # the plan file as given ("-" for standard input)
    planned: list[PlannedResource] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)  # Terraform's resource_drift

    def of(self, *actions: str) -> list[PlannedResource]:
        return [p for p in self.planned if p.action in actions]
