"""What each language knows about a stack beyond its resources, as typed records.

Rules read these through `isinstance` (a rule for Terraform module calls looks at
`TerraformFacts` and nothing else), so a renamed field is an error at once, not a silently
skipped check.
"""

from __future__ import annotations

from typing import Any

from iaclint.core.model import Pos
from iaclint.core.record import FRESH, Record


class ModuleCall(Record):
    """A Terraform `module` block, as called from a root module (nested calls included)."""

    address: str  # module.db, module.a.module.b
    path: str
    pos: Pos
    source: str
    local_dir: str | None
    body: dict[str, Any]
    meta: dict[str, Any]
    comments: list

    def __init__(
        self,
        address: str,
        path: str,
        pos: Pos,
        source: str,
        local_dir: str | None,
        body: dict[str, Any],
        meta: dict[str, Any],
        comments: list = FRESH,
    ) -> None:
        self.address = address
        self.path = path
        self.pos = pos
        self.source = source
        self.local_dir = local_dir
        self.body = body
        self.meta = meta
        self.comments = [] if comments is FRESH else comments


class TerraformFacts(Record):
    """What Terraform's loader knows besides resources: module calls and their fate, provider features."""

    module_calls_removed: list[ModuleCall]
    module_calls_renamed: list[tuple[ModuleCall, ModuleCall]]
    # calls on both sides whose count/for_each changed: instances may go (IAC304) or be re-keyed (IAC105)
    module_calls_kept: list[tuple[ModuleCall, ModuleCall]]
    # calls on both sides whose source after the change iaclint cannot read (a local module
    # switched to its registry or git copy, a version bump): (before, after)
    module_calls_unseen: list[tuple[ModuleCall, ModuleCall]]
    # a whole example or test-fixture configuration (under examples/, test/, fixtures/) is gone:
    # nothing is destroyed, nobody applies examples
    root_deleted: bool = False
    # provider `features` flags (azurerm): key -> (value, path, pos)
    provider_features_before: dict[str, tuple[Any, str, Pos]]
    provider_features_after: dict[str, tuple[Any, str, Pos]]
    # provider type -> (the lowest version the root module may run as (major, minor, patch), or
    # None for the newest the packs know; why: a lock file, a constraint, nothing; the exclusive
    # upper end of what it may run, or None: unbounded)
    provider_versions: dict[str, tuple[Any, str, Any]]

    def __init__(
        self,
        module_calls_removed: list[ModuleCall] = FRESH,
        module_calls_renamed: list[tuple[ModuleCall, ModuleCall]] = FRESH,
        module_calls_kept: list[tuple[ModuleCall, ModuleCall]] = FRESH,
        module_calls_unseen: list[tuple[ModuleCall, ModuleCall]] = FRESH,
        root_deleted: bool = False,
        provider_features_before: dict[str, tuple[Any, str, Pos]] = FRESH,
        provider_features_after: dict[str, tuple[Any, str, Pos]] = FRESH,
        provider_versions: dict[str, tuple[Any, str, Any]] = FRESH,
    ) -> None:
        self.module_calls_removed = [] if module_calls_removed is FRESH else module_calls_removed
        self.module_calls_renamed = [] if module_calls_renamed is FRESH else module_calls_renamed
        self.module_calls_kept = [] if module_calls_kept is FRESH else module_calls_kept
        self.module_calls_unseen = [] if module_calls_unseen is FRESH else module_calls_unseen
        self.root_deleted = root_deleted
        self.provider_features_before = {} if provider_features_before is FRESH else provider_features_before
        self.provider_features_after = {} if provider_features_after is FRESH else provider_features_after
        self.provider_versions = {} if provider_versions is FRESH else provider_versions


class CloudFormationFacts(Record):
    """Both sides' parsed templates."""

    template_before: Any = None  # languages.cloudformation.template.ParsedTemplate
    template_after: Any = None
    # a stack of a synthesized CDK cloud assembly: its manifest's `terminationProtection` on each side,
    # and where the manifest says it after the change
    termination_protection_before: Any = None
    termination_protection_after: Any = None
    manifest: str | None = None
    manifest_pos: Pos | None = None

    def __init__(
        self,
        template_before: Any = None,
        template_after: Any = None,
        termination_protection_before: Any = None,
        termination_protection_after: Any = None,
        manifest: str | None = None,
        manifest_pos: Pos | None = None,
    ) -> None:
        self.template_before = template_before
        self.template_after = template_after
        self.termination_protection_before = termination_protection_before
        self.termination_protection_after = termination_protection_after
        self.manifest = manifest
        self.manifest_pos = manifest_pos


class CdkFacts(Record):
    """A CDK stack's termination protection on both sides, and where the stack is created."""

    termination_protection_before: Any = None
    termination_protection_after: Any = None
    stack_pos: Pos | None = None  # where the stack is instantiated after the change

    def __init__(
        self,
        termination_protection_before: Any = None,
        termination_protection_after: Any = None,
        stack_pos: Pos | None = None,
    ) -> None:
        self.termination_protection_before = termination_protection_before
        self.termination_protection_after = termination_protection_after
        self.stack_pos = stack_pos


class PulumiFacts(Record):
    """Nothing yet beyond the resources."""

    def __init__(self) -> None:
        pass


class Invocation(Record):
    """One program a command line runs, seen through its wrappers (`sudo`, `env X=1`,
    `bash -c "..."`): what `iaclint check-command` judges. Rules read `program` and `args`;
    `shown` is the segment as written, secrets redacted, for messages."""

    program: str  # the base name: terraform, tofu, aws, psql, ...
    args: list[str]
    shown: str
    stdin: str | None = None  # a here-document or here-string the program reads (SQL for psql)
    cwd: str | None = None  # the directory an earlier `cd` in the same line moved to

    def __init__(
        self,
        program: str,
        args: list[str],
        shown: str,
        stdin: str | None = None,
        cwd: str | None = None,
    ) -> None:
        self.program = program
        self.args = args
        self.shown = shown
        self.stdin = stdin
        self.cwd = cwd


class CommandFacts(Record):
    """A command line as one stack diff: the programs it runs, in order."""

    invocations: list[Invocation]

    def __init__(self, invocations: list[Invocation] = FRESH) -> None:
        self.invocations = [] if invocations is FRESH else invocations


class Drift(Record):
    """A resource the plan found changed or deleted outside Terraform (`resource_drift`), beside
    what the apply then does to it. Attribute paths only: a drifted value is never kept."""

    address: str
    type: str
    deleted: bool  # gone outside Terraform
    paths: list[list]  # attributes whose refreshed value differs (path steps)
    planned_action: str | None = None  # the apply's action on it: update, no-op, create, replace, delete
    planned_paths: list[list]  # attributes the apply changes (known after apply too)

    def __init__(
        self,
        address: str,
        type: str,
        deleted: bool,
        paths: list[list] = FRESH,
        planned_action: str | None = None,
        planned_paths: list[list] = FRESH,
    ) -> None:
        self.address = address
        self.type = type
        self.deleted = deleted
        self.paths = [] if paths is FRESH else paths
        self.planned_action = planned_action
        self.planned_paths = [] if planned_paths is FRESH else planned_paths


class PlannedResource(Record):
    """One resource as a Terraform plan or a CloudFormation change set says it will change: the
    provider's own verdict, read as written. The rules decide what it means (`checks/planned.py`)."""

    address: str  # aws_db_instance.orders, module.a["x"].aws_s3_bucket.b[0], or a logical ID
    type: str
    action: str  # replace | delete | update | import | conditional (CloudFormation's Replacement: Conditional)
    create_first: bool = False  # create_before_destroy
    reason: str | None = None  # Terraform's action_reason
    replace_paths: list[str]  # `ebs_block_device[0].volume_size`, or property names
    attr: str = ""  # the first of them as a dotted path without indexes (matched with static findings)
    policy: str | None = None  # CloudFormation's PolicyAction
    # Terraform: the values on each side and the plan's masks (sensitive, known after apply)
    before: Any = None
    after: Any = None
    before_sensitive: Any = None
    after_sensitive: Any = None
    after_unknown: Any = None
    # CloudFormation: ResourceChange.Details[].Target, as given
    targets: list[dict]

    def __init__(
        self,
        address: str,
        type: str,
        action: str,
        create_first: bool = False,
        reason: str | None = None,
        replace_paths: list[str] = FRESH,
        attr: str = "",
        policy: str | None = None,
        before: Any = None,
        after: Any = None,
        before_sensitive: Any = None,
        after_sensitive: Any = None,
        after_unknown: Any = None,
        targets: list[dict] = FRESH,
    ) -> None:
        self.address = address
        self.type = type
        self.action = action
        self.create_first = create_first
        self.reason = reason
        self.replace_paths = [] if replace_paths is FRESH else replace_paths
        self.attr = attr
        self.policy = policy
        self.before = before
        self.after = after
        self.before_sensitive = before_sensitive
        self.after_sensitive = after_sensitive
        self.after_unknown = after_unknown
        self.targets = [] if targets is FRESH else targets


class PlanFacts(Record):
    """A plan or change set, as one stack diff: its changes are the provider's verdicts."""

    kind: str  # terraform | cloudformation
    label: str  # the plan file as given ("-" for standard input)
    planned: list[PlannedResource]
    drift: list[Drift]  # Terraform's resource_drift

    def __init__(
        self,
        kind: str,
        label: str,
        planned: list[PlannedResource] = FRESH,
        drift: list[Drift] = FRESH,
    ) -> None:
        self.kind = kind
        self.label = label
        self.planned = [] if planned is FRESH else planned
        self.drift = [] if drift is FRESH else drift

    def of(self, *actions: str) -> list[PlannedResource]:
        return [p for p in self.planned if p.action in actions]
