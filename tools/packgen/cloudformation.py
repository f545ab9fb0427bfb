"""Generate the CloudFormation knowledge packs from cfn-lint's bundled schemas.

    python tools/packgen/cloudformation.py [--out rules/cloudformation] [--check]

Reads only the data files shipped inside the installed cfn-lint package (never cfn-lint's
user cache of downloaded schemas, so the output depends on the cfn-lint version alone) and
writes three tab-separated packs:

  create_only.tsv  createOnlyProperties / conditionalCreateOnlyProperties of every type
  stateful.tsv     the types in cfn-lint's data/AdditionalSpecs/StatefulResources.json,
                   each with a category and a one-line reason (hand-kept map below)
  protection.tsv   properties that guard a resource against deletion or termination
  disagreements.tsv  where cfn-lint's schemas and @aws-cdk/aws-service-spec disagree on
                   whether a top-level property replaces the resource, each with a decision
                   and its reason (see "Two sources" below)

Two sources. The second source is `@aws-cdk/aws-service-spec` (npm, Apache-2.0; the database
behind `cdk diff`), pinned to SERVICE_SPEC_VERSION. Its `db.json.gz` marks properties
`causesReplacement: yes|maybe`. The facts derived from it (top-level properties marked
replacing, nothing of its text) are committed in SERVICE_SPEC_FACTS with the version, so a
regeneration never needs the network. Refresh them with

    npm install --prefix /tmp/aws-service-spec @aws-cdk/aws-service-spec@<SERVICE_SPEC_VERSION>
    python tools/packgen/cloudformation.py --service-spec \
        /tmp/aws-service-spec/node_modules/@aws-cdk/aws-service-spec

create_only.tsv keeps cfn-lint's rows and adds, per row, what the service spec says of the
top-level property (`yes`, `maybe`, `no`, or `absent` when it lacks the type; `n/a` for a
nested path, which is not compared). Where the two disagree, the decision rule is:

  1. createOnly in the registry schema (cfn-lint)           -> replace: the handler enforces it
  2. conditionalCreateOnly in the registry schema            -> conditional (IAC102 says "may")
  3. AWS::Serverless::* (the spec marks nearly every property
     replacing, Timeout included: not trusted)               -> sam_transform: judged by what the
     SAM transform generates (rules/cloudformation/sam.tsv, tools/packgen/sam.py)
  4. Tags only the spec marks, where the registry schema
     declares the tags updatable (tagging, TagResource)      -> none
  5. anything else only the spec marks                       -> may_replace: IAC101 at note level
  6. HAND_DECISIONS below override the rule, each with its reason (checked by hand)

Every row of disagreements.tsv carries its decision and reason; iaclint reads `replace` and
`may_replace` rows as facts (their source says which source and why).

cfn-lint's schema layout: `data/schemas/providers/<region>.json` maps each resource type
to a content hash, and `data/schemas/resources/<hash>.json` is the (already patched)
resource provider schema. us-east-1 is the reference region; a type that us-east-1 lacks
is taken from the first other region that has it. `providers/sam.json` maps the
AWS::Serverless::* types, whose schemas declare no create-only properties.

This tool is never imported by iaclint; cfn-lint is found without being imported.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "rules" / "cloudformation"
REFERENCE_REGION = "us-east-1"
TOOL = "tools/packgen/cloudformation.py"

# --- the second source: @aws-cdk/aws-service-spec ---------------------------------------
SERVICE_SPEC_PACKAGE = "@aws-cdk/aws-service-spec"
SERVICE_SPEC_VERSION = "0.1.216"  # pinned; recorded in the packs' headers and in SERVICE_SPEC_FACTS
SERVICE_SPEC_FACTS = REPO / "tools" / "packgen" / "data" / "aws-service-spec-replacing.tsv"

# Disagreements decided by hand: (type, property) -> (decision, reason). Each overrides the rule.
HAND_DECISIONS = {
    ("AWS::Route53::RecordSet", "Name"): (
        "replace",
        "checked by hand: the CloudFormation reference gives Name 'Update requires: Replacement' (the legacy "
        "spec's UpdateType, which aws-service-spec carries); Route 53 has no rename (ChangeResourceRecordSets "
        "creates the new name and deletes the old record); cdk diff says WILL_REPLACE; cfn-lint's schema for this "
        "non-registry type lists HostedZoneId/HostedZoneName but not Name",
    ),
    ("AWS::DynamoDB::Table", "KeySchema"): (
        "replace",
        "checked by hand: DynamoDB cannot change a table's key schema (UpdateTable takes no KeySchema), so any "
        "change re-creates the table, as the spec says; the registry schema's conditionalCreateOnly is too weak",
    ),
    ("AWS::RDS::DBInstance", "Port"): (
        "may_replace",
        "checked by hand: the registry schema (the handler CloudFormation runs) does not list Port as createOnly "
        "and RDS ModifyDBInstance takes DBPortNumber (the instance restarts, it is not re-created); the spec's "
        "'yes' is the legacy spec's Replacement from the pre-registry handler: say may, at note level, and let "
        "the change set decide",
    ),
}

# --- stateful: what a type holds and why deleting it hurts, per service (a full type wins) ---
# Rows are resource_type, category, reason, source: iaclint.knowledge.packs reads four columns and
# hands back Fact(key=category, value=reason).
STATEFUL_REASONS = {
    "AWS::Backup::": ("backup vault", "deleting it loses the recovery points it holds"),
    "AWS::CloudFormation::Stack": ("nested stack", "deleting it deletes every resource in it"),
    "AWS::Cognito::": ("user pool", "deleting it loses its users and their credentials"),
    "AWS::DocDB::": ("database", "deleting it loses its data unless a snapshot is kept"),
    "AWS::DynamoDB::": ("table", "deleting it loses its items"),
    "AWS::EC2::Volume": ("block storage", "deleting it loses its data unless a snapshot is kept"),
    "AWS::EFS::": ("file system", "deleting it loses its files"),
    "AWS::EMR::": ("cluster", "deleting it loses data kept on its instances (HDFS, local disks)"),
    "AWS::ElastiCache::": ("cache", "deleting it loses its data unless a snapshot is kept"),
    "AWS::Elasticsearch::": ("search domain", "deleting it loses its indexes"),
    "AWS::FSx::": ("file system", "deleting it loses its files unless a backup is kept"),
    "AWS::KMS::": ("encryption key", "once deleted, data encrypted under it cannot be decrypted"),
    "AWS::Kinesis::": ("stream", "deleting it loses records not yet consumed"),
    "AWS::Logs::": ("log group", "deleting it loses its log events"),
    "AWS::Neptune::": ("database", "deleting it loses its data unless a snapshot is kept"),
    "AWS::OpenSearchService::": ("search domain", "deleting it loses its indexes"),
    "AWS::Organizations::Account": ("AWS account", "deleting the resource can close the account and all it holds"),
    "AWS::QLDB::": ("ledger", "deleting it loses its journal"),
    "AWS::RDS::": ("database", "deleting it loses its data unless a snapshot is kept"),
    "AWS::Redshift::": ("data warehouse", "deleting it loses its data unless a snapshot is kept"),
    "AWS::S3::": ("bucket", "deleting it loses the objects it holds"),
    "AWS::SDB::": ("SimpleDB domain", "deleting it loses its items"),
    "AWS::SQS::": ("queue", "deleting it loses messages not yet consumed"),
    "AWS::SecretsManager::": ("secret", "deleting it loses the secret value after the recovery window"),
}
DEFAULT_STATEFUL_REASON = ("data", "holds data that deletion destroys")

# --- protection ----------------------------------------------------------------------
# A property whose name contains one of these is a candidate deletion/termination guard.
GUARD_NAME = re.compile(r"DeletionProtect|DeleteProtection|TerminationProtect|DisableApiTermination")
# For string enums: which values mean "protected". A guard whose enum has none of them
# fails the run, so a new shape gets a decision instead of a silent guess.
PROTECTIVE_ENUM_VALUES = {
    "ENABLED",
    "ACTIVE",
    "APPLY",  # AppConfig DeletionProtectionCheck: check even if the account setting is off
    "ACCOUNT_DEFAULT",  # AppConfig DeletionProtectionCheck: protected when the account setting is on
    "prevent-all-deletion",  # AutoScaling DeletionProtection
    "prevent-force-deletion",  # AutoScaling DeletionProtection
}
# Candidates that are not a guard on the resource itself: (type, path) -> why skipped.
NOT_A_RESOURCE_GUARD = {
    ("AWS::Bedrock::DataSource", "DataSourceConfiguration.ManagedKnowledgeBaseConnectorConfiguration.DeletionProtectionConfiguration"):
        "limits documents a sync may delete, not deletion of the data source",
    ("AWS::Bedrock::DataSource", "DataSourceConfiguration.ManagedKnowledgeBaseConnectorConfiguration.DeletionProtectionConfiguration.DeletionProtectionStatus"):
        "limits documents a sync may delete, not deletion of the data source",
    ("AWS::Bedrock::DataSource", "DataSourceConfiguration.ManagedKnowledgeBaseConnectorConfiguration.DeletionProtectionConfiguration.DeletionProtectionThreshold"):
        "limits documents a sync may delete, not deletion of the data source",
    ("AWS::EC2::LaunchTemplate", "LaunchTemplateData.DisableApiTermination"):
        "applies to instances launched later, not to the launch template",
    ("AWS::ECS::CapacityProvider", "AutoScalingGroupProvider.ManagedTerminationProtection"):
        "protects Auto Scaling instances from scale-in, not the capacity provider",
}
# Guards held as a key/value list entry rather than a property. Each is confirmed against
# the schema text at generation time: the run fails if the description stops naming it.
KEY_VALUE_GUARDS = [
    # (type, definition whose Key description names the guard, attribute path, key, protective value)
    (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "LoadBalancerAttribute",
        "LoadBalancerAttributes[Key=deletion_protection.enabled].Value",
        "deletion_protection.enabled",
        "true",
    ),
]


class PackgenError(Exception):
    pass


def cfnlint_dir() -> Path:
    """The installed cfn-lint package directory, found without importing cfn-lint."""
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise PackgenError("cfn-lint is not installed (pip install cfn-lint)")
    return Path(next(iter(spec.submodule_search_locations)))


def cfnlint_version() -> str:
    return importlib.metadata.version("cfn-lint")


class Schemas:
    def __init__(self, pkg: Path) -> None:
        self.pkg = pkg
        self.root = pkg / "data" / "schemas"
        providers = self.root / "providers"
        regions = sorted(p.stem for p in providers.glob("*.json") if p.stem != "sam")
        if REFERENCE_REGION not in regions:
            raise PackgenError(f"no {providers / (REFERENCE_REGION + '.json')}; cfn-lint's layout changed")
        regions.remove(REFERENCE_REGION)
        self.where: dict[str, tuple[str, str]] = {}  # type -> (region, hash)
        for region in [REFERENCE_REGION, *regions, "sam"]:
            mapping = json.loads((providers / f"{region}.json").read_text(encoding="utf-8"))
            for resource_type, digest in mapping.items():
                self.where.setdefault(resource_type, (region, digest))
        self.schema_date = json.loads((self.root / "version.json").read_text(encoding="utf-8")).get(
            "schema_date", "unknown"
        )
        self._cache: dict[str, dict] = {}

    def types(self) -> list[str]:
        return sorted(self.where)

    def schema(self, resource_type: str) -> dict:
        digest = self.where[resource_type][1]
        if digest not in self._cache:
            path = self.root / "resources" / f"{digest}.json"
            self._cache[digest] = json.loads(path.read_text(encoding="utf-8"))
        return self._cache[digest]

    def source(self, resource_type: str, version: str) -> str:
        region, digest = self.where[resource_type]
        rel = (self.root / "resources" / f"{digest}.json").relative_to(self.pkg.parent).as_posix()
        return f"cfn-lint {version} {rel} ({region})"


def pointer_to_path(pointer: str) -> str:
    """`/properties/KeySchema/*/AttributeName` -> `KeySchema.AttributeName`."""
    parts = pointer.split("/")
    if len(parts) < 3 or parts[0] != "" or parts[1] != "properties":
        raise PackgenError(f"unexpected property pointer {pointer!r}")
    names = [p.replace("~1", "/").replace("~0", "~") for p in parts[2:] if p != "*"]
    return ".".join(names)


def resolve(schema: dict, node: dict) -> dict:
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#/"):
            break
        seen.add(ref)
        target: object = schema
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}} if isinstance(target, dict) else {}
    return node


def walk_properties(schema: dict) -> Iterator[tuple[str, dict]]:
    """(dotted path, resolved subschema) of every property, array items flattened."""

    def walk(node: dict, path: list[str], refs: frozenset[str]) -> Iterator[tuple[str, dict]]:
        if isinstance(node, dict) and "$ref" in node:
            if node["$ref"] in refs:
                return
            refs = refs | {node["$ref"]}
        node = resolve(schema, node)
        props = node.get("properties")
        if isinstance(props, dict):
            for name, sub in props.items():
                sub_resolved = resolve(schema, sub)
                yield ".".join([*path, name]), sub_resolved
                yield from walk(sub, [*path, name], refs)
        for key in ("items", "oneOf", "anyOf", "allOf"):
            value = node.get(key)
            for sub in value if isinstance(value, list) else [value] if isinstance(value, dict) else []:
                yield from walk(sub, path, refs)

    seen = set()
    for path, sub in walk(schema, [], frozenset()):
        if path not in seen:
            seen.add(path)
            yield path, sub


def _types_of(node: dict) -> set[str]:
    t = node.get("type")
    return set(t) if isinstance(t, list) else {t} if t else set()


def protective_values(node: dict) -> list[str] | None:
    if "boolean" in _types_of(node):
        return ["true"]
    enum = node.get("enum")
    if isinstance(enum, list):
        values = [v for v in enum if v in PROTECTIVE_ENUM_VALUES]
        return sorted(values) or None
    return None


# --- the service spec -------------------------------------------------------------------
def extract_service_spec(package_dir: Path) -> dict[tuple[str, str], str]:
    """(type, top-level property) -> yes | maybe, from an installed @aws-cdk/aws-service-spec."""
    import gzip

    meta = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    if meta.get("version") != SERVICE_SPEC_VERSION:
        raise PackgenError(f"{package_dir} is {SERVICE_SPEC_PACKAGE} {meta.get('version')}, "
                           f"the generator pins {SERVICE_SPEC_VERSION}: install that, or change the pin and review")
    with gzip.open(package_dir / "db.json.gz", "rt", encoding="utf-8") as fh:
        db = json.load(fh)
    out: dict[tuple[str, str], str] = {}
    for entity in db["schema"]["resource"]["entities"]:
        resource_type = entity["cloudFormationType"]
        out[(resource_type, "")] = "type"  # the type is known to the spec
        for name, prop in (entity.get("properties") or {}).items():
            marked = prop.get("causesReplacement")
            if marked in ("yes", "maybe"):
                out[(resource_type, name)] = marked
            elif marked not in (None, "no"):
                raise PackgenError(f"{resource_type}.{name}: unknown causesReplacement {marked!r}")
    return out


def write_service_spec_facts(facts: dict[tuple[str, str], str]) -> str:
    lines = [
        f"# Derived by {TOOL} from {SERVICE_SPEC_PACKAGE} {SERVICE_SPEC_VERSION} db.json.gz (Apache-2.0): "
        "per resource type, the top-level properties marked causesReplacement (facts only, no text).",
        "# A row with an empty property says the spec knows the type. columns: resource_type\tproperty\tcauses_replacement",
    ]
    for (resource_type, name), marked in sorted(facts.items()):
        lines.append(f"{resource_type}\t{name}\t{marked}")
    return "\n".join(lines) + "\n"


def read_service_spec_facts(path: Path = SERVICE_SPEC_FACTS) -> dict[tuple[str, str], str]:
    text = path.read_text(encoding="utf-8")
    if f"{SERVICE_SPEC_PACKAGE} {SERVICE_SPEC_VERSION} " not in text.split("\n", 1)[0]:
        raise PackgenError(f"{path} was not derived from {SERVICE_SPEC_PACKAGE} {SERVICE_SPEC_VERSION}: refresh it")
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            resource_type, name, marked = line.split("\t")
            out[(resource_type, name)] = marked
    return out


def spec_says(spec: dict[tuple[str, str], str], resource_type: str, path: str) -> str:
    if "." in path:
        return "n/a"
    if (resource_type, "") not in spec:
        return "absent"
    return spec.get((resource_type, path), "no")


def _tags_updatable(schema: dict) -> bool:
    tagging = schema.get("tagging")
    if not isinstance(tagging, dict) or tagging.get("taggable") is False or tagging.get("tagUpdatable") is False:
        return False
    return any("tag" in str(p).lower() for p in tagging.get("permissions") or []) or "tagProperty" in tagging


def disagreement_rows(schemas: Schemas, version: str, spec: dict[tuple[str, str], str]) -> Iterator[tuple[str, ...]]:
    source = f"cfn-lint {version} + {SERVICE_SPEC_PACKAGE} {SERVICE_SPEC_VERSION}"
    rows = []
    used_hand = set()
    cfn: dict[tuple[str, str], str] = {}
    for resource_type in schemas.types():
        schema = schemas.schema(resource_type)
        for key, kind in (("createOnlyProperties", "create_only"), ("conditionalCreateOnlyProperties", "conditional")):
            for pointer in schema.get(key) or []:
                path = pointer_to_path(pointer)
                if "." not in path:
                    cfn.setdefault((resource_type, path), kind)
    # 1 and 2: the registry schema says replace (or conditional), the spec does not (or says only maybe)
    for (resource_type, path), kind in sorted(cfn.items()):
        says = spec_says(spec, resource_type, path)
        if says == "absent" or (says, kind) in (("yes", "create_only"), ("maybe", "conditional")):
            continue  # agreed, or the spec lacks the type: nothing to compare
        hand = HAND_DECISIONS.get((resource_type, path))
        if hand is not None:
            used_hand.add((resource_type, path))
            rows.append((resource_type, path, hand[0], source, kind, says, hand[1]))
        elif kind == "create_only":
            rows.append((resource_type, path, "replace", source, kind, says,
                         "rule 1: createOnly in the registry schema, which the handler enforces"))
        else:
            rows.append((resource_type, path, "conditional", source, kind, says,
                         "rule 2: conditionalCreateOnly in the registry schema: replaced only under some conditions, "
                         "which IAC102 reports as may"))
    # 3-6: the spec says replace (or maybe), the registry schema does not list it as createOnly
    for (resource_type, path), says in sorted(spec.items()):
        if not path or (resource_type, path) in cfn:
            continue
        known = resource_type in schemas.where
        cfn_says = "no" if known else "absent"
        hand = HAND_DECISIONS.get((resource_type, path))
        if hand is not None:
            used_hand.add((resource_type, path))
            decision, reason = hand
        elif resource_type.startswith("AWS::Serverless::"):
            decision, reason = "sam_transform", (
                "rule 3: the spec marks nearly every SAM property replacing (Timeout included); judged by what the "
                "SAM transform generates (sam.tsv)")
        elif path == "Tags" and known and _tags_updatable(schemas.schema(resource_type)):
            decision, reason = "none", (
                "rule 4: the registry schema declares the tags updatable in place (tagging, TagResource/UntagResource)")
        else:
            decision, reason = "may_replace", (
                f"rule 5: only the spec marks it ({says}); the registry schema "
                + ("does not list it as createOnly" if known else "lacks the type")
                + ": may replace, at note level")
        rows.append((resource_type, path, decision, source, cfn_says, says, reason))
    stale = set(HAND_DECISIONS) - used_hand
    if stale:
        raise PackgenError(f"HAND_DECISIONS entries that are no longer disagreements: {sorted(stale)}")
    yield from sorted(rows)


# --- packs ---------------------------------------------------------------------------
def create_only_rows(schemas: Schemas, version: str, spec: dict[tuple[str, str], str]) -> Iterator[tuple[str, ...]]:
    for resource_type in schemas.types():
        schema = schemas.schema(resource_type)
        source = schemas.source(resource_type, version)
        rows = set()
        for key, kind in (("createOnlyProperties", "create_only"), ("conditionalCreateOnlyProperties", "conditional")):
            for pointer in schema.get(key) or []:
                path = pointer_to_path(pointer)
                rows.add((resource_type, path, kind, source, spec_says(spec, resource_type, path)))
        yield from sorted(rows)


def stateful_rows(pkg: Path, version: str) -> Iterator[tuple[str, ...]]:
    spec = pkg / "data" / "AdditionalSpecs" / "StatefulResources.json"
    source = f"cfn-lint {version} {spec.relative_to(pkg.parent).as_posix()}"
    types = json.loads(spec.read_text(encoding="utf-8"))["ResourceTypes"]
    for resource_type in sorted(types):
        reason = STATEFUL_REASONS.get(resource_type)
        if reason is None:
            prefix = resource_type.rsplit("::", 1)[0] + "::"
            reason = STATEFUL_REASONS.get(prefix, DEFAULT_STATEFUL_REASON)
        category, why = reason
        yield resource_type, category, why, source


def protection_rows(schemas: Schemas, version: str) -> Iterator[tuple[str, ...]]:
    hand = {}
    for resource_type, definition, attribute, key, value in KEY_VALUE_GUARDS:
        schema = schemas.schema(resource_type)
        description = (((schema.get("definitions") or {}).get(definition) or {}).get("properties") or {}).get(
            "Key", {}
        ).get("description", "")
        if f"``{key}``" not in description:
            raise PackgenError(f"{resource_type}: {definition}.Key no longer documents {key}; review KEY_VALUE_GUARDS")
        note = f"{definition}.Key description: {key} true or false"
        hand.setdefault(resource_type, []).append((attribute, value, note))

    used_exclusions = set()
    for resource_type in schemas.types():
        schema = schemas.schema(resource_type)
        source = schemas.source(resource_type, version)
        read_only = {pointer_to_path(p) for p in schema.get("readOnlyProperties") or [] if p.startswith("/properties/")}
        rows = set()
        for path, node in walk_properties(schema):
            if not GUARD_NAME.search(path.rsplit(".", 1)[-1]) or path in read_only:
                continue
            if (resource_type, path) in NOT_A_RESOURCE_GUARD:
                used_exclusions.add((resource_type, path))
                continue
            values = protective_values(node)
            if values is None and isinstance(node.get("properties"), dict):
                # a guard object such as {Mode: ENABLED|DISABLED}: its one switch is the guard
                subs = [(name, resolve(schema, sub)) for name, sub in (node.get("properties") or {}).items()]
                switches = [(name, protective_values(sub)) for name, sub in subs if protective_values(sub)]
                if len(switches) == 1:
                    path, values = f"{path}.{switches[0][0]}", switches[0][1]
            if values is None:
                raise PackgenError(
                    f"{resource_type}: cannot tell the protective value of {path!r}; "
                    "extend PROTECTIVE_ENUM_VALUES or NOT_A_RESOURCE_GUARD"
                )
            for value in values:
                rows.add((resource_type, path, value, source))
        for attribute, value, note in hand.get(resource_type, []):
            rows.add((resource_type, attribute, value, f"{source} {note}"))
        yield from sorted(rows)

    stale = set(NOT_A_RESOURCE_GUARD) - used_exclusions
    if stale:
        raise PackgenError(f"NOT_A_RESOURCE_GUARD entries no longer match any property: {sorted(stale)}")


# --- output --------------------------------------------------------------------------
def render(what: str, columns: Iterable[str], rows: Iterable[tuple[str, ...]], version: str, also: str = "") -> str:
    lines = [
        f"# Generated by {TOOL} from cfn-lint {version}{also} ({what}). DO NOT EDIT.",
        "# columns: " + "\t".join(columns),
    ]
    previous: tuple[str, ...] | None = None
    for row in rows:
        for field in row:
            if not field or "\t" in field or "\n" in field or "\r" in field:
                raise PackgenError(f"bad field {field!r} in row {row!r}")
        if row[0][0].isspace() or row[0].startswith("#"):
            raise PackgenError(f"row must not start with whitespace or '#': {row!r}")
        if previous is not None and row[:3] <= previous[:3]:
            raise PackgenError(f"rows out of order or duplicated: {previous!r} then {row!r}")
        previous = row
        lines.append("\t".join(row))
    return "\n".join(lines) + "\n"


def generate() -> dict[str, str]:
    """File name -> contents of every CloudFormation pack."""
    pkg = cfnlint_dir()
    version = cfnlint_version()
    schemas = Schemas(pkg)
    spec = read_service_spec_facts()
    what = f"resource provider schemas, {REFERENCE_REGION} first, schema_date {schemas.schema_date}"
    also = f" and {SERVICE_SPEC_PACKAGE} {SERVICE_SPEC_VERSION}"
    return {
        "create_only.tsv": render(
            what + "; the last column is what the service spec says of the top-level property",
            ["resource_type", "property_path", "kind", "source", "aws_service_spec"],
            create_only_rows(schemas, version, spec),
            version,
            also,
        ),
        "disagreements.tsv": render(
            f"top-level replacement facts on which the two disagree, each with a decision by the rule in {TOOL}",
            ["resource_type", "property", "decision", "source", "cfn_lint", "aws_service_spec", "reason"],
            disagreement_rows(schemas, version, spec),
            version,
            also,
        ),
        "stateful.tsv": render(
            "data/AdditionalSpecs/StatefulResources.json",
            ["resource_type", "category", "reason", "source"],
            stateful_rows(pkg, version),
            version,
        ),
        "protection.tsv": render(
            what,
            ["resource_type", "attribute", "protective_value", "source"],
            protection_rows(schemas, version),
            version,
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the files in --out differ")
    parser.add_argument("--service-spec", type=Path, metavar="DIR",
                        help=f"an installed {SERVICE_SPEC_PACKAGE} {SERVICE_SPEC_VERSION} (node_modules/...): refresh "
                             f"{SERVICE_SPEC_FACTS.relative_to(REPO)} from it first (with --check: compare instead)")
    args = parser.parse_args(argv)
    try:
        if args.service_spec:
            derived = write_service_spec_facts(extract_service_spec(args.service_spec))
            if args.check:
                if SERVICE_SPEC_FACTS.read_text(encoding="utf-8") != derived:
                    print(f"stale: {SERVICE_SPEC_FACTS}", file=sys.stderr)
                    return 1
            else:
                SERVICE_SPEC_FACTS.parent.mkdir(parents=True, exist_ok=True)
                SERVICE_SPEC_FACTS.write_text(derived, encoding="utf-8")
        files = generate()
    except PackgenError as exc:
        print(f"packgen: {exc}", file=sys.stderr)
        return 2
    stale = []
    for name, text in files.items():
        path = args.out / name
        if args.check:
            if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    if stale:
        print("stale, regenerate with python " + TOOL + ": " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
