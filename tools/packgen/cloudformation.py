"""Generate the CloudFormation knowledge packs from cfn-lint's bundled schemas.

    python tools/packgen/cloudformation.py [--out rules/cloudformation] [--check]

Reads only the data files shipped inside the installed cfn-lint package (never cfn-lint's
user cache of downloaded schemas, so the output depends on the cfn-lint version alone) and
writes three tab-separated packs:

  create_only.tsv  createOnlyProperties / conditionalCreateOnlyProperties of every type
  stateful.tsv     the types in cfn-lint's data/AdditionalSpecs/StatefulResources.json,
                   each with a category and a one-line reason (hand-kept map below)
  protection.tsv   properties that guard a resource against deletion or termination

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


# --- packs ---------------------------------------------------------------------------
def create_only_rows(schemas: Schemas, version: str) -> Iterator[tuple[str, ...]]:
    for resource_type in schemas.types():
        schema = schemas.schema(resource_type)
        source = schemas.source(resource_type, version)
        rows = set()
        for key, kind in (("createOnlyProperties", "create_only"), ("conditionalCreateOnlyProperties", "conditional")):
            for pointer in schema.get(key) or []:
                rows.add((resource_type, pointer_to_path(pointer), kind, source))
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
def render(what: str, columns: Iterable[str], rows: Iterable[tuple[str, ...]], version: str) -> str:
    lines = [
        f"# Generated by {TOOL} from cfn-lint {version} ({what}). DO NOT EDIT.",
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
    what = f"resource provider schemas, {REFERENCE_REGION} first, schema_date {schemas.schema_date}"
    return {
        "create_only.tsv": render(
            what,
            ["resource_type", "property_path", "kind", "source"],
            create_only_rows(schemas, version),
            version,
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
    args = parser.parse_args(argv)
    try:
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
