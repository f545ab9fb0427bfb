"""Generate rules/cloudformation/sam.tsv: which generated resources and properties each SAM property feeds.

    python tools/packgen/sam.py [--out rules/cloudformation] [--check]

Needs `aws-sam-translator` (PyPI, Apache-2.0), installed in a throwaway virtual environment,
never a dependency of iaclint:

    python -m venv /tmp/samvenv && /tmp/samvenv/bin/pip install aws-sam-translator==<SAM_TRANSLATOR_VERSION>
    /tmp/samvenv/bin/python tools/packgen/sam.py

For every probe below (a SAM type, a property, two values) the transform runs on a minimal
template twice, once with each value, and every generated resource's top-level property that
differs between the two outputs is recorded: (SAM type, SAM property, generated type, generated
property). A resource that appears on one side only is recorded as its type with the property
`*` (the SAM property creates or removes it). iaclint then judges a SAM property change by the
createOnly facts of the generated properties (iaclint/knowledge/packs.py, Packs._sam_facts), so
`AWS::Serverless::Function.FunctionName` replaces the generated `AWS::Lambda::Function` and
`Timeout` replaces nothing. The translator is never imported by iaclint.
"""

from __future__ import annotations

import argparse
import copy
import importlib.metadata
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "rules" / "cloudformation"
TOOL = "tools/packgen/sam.py"
SAM_TRANSLATOR_VERSION = "1.115.0"  # pinned; recorded in the pack header and every row's source

FUNCTION = {"Handler": "index.handler", "Runtime": "python3.12", "CodeUri": "s3://bucket/code.zip"}
TABLE = {"PrimaryKey": {"Name": "id", "Type": "String"}}
API = {"StageName": "prod", "DefinitionBody": {"swagger": "2.0", "info": {"title": "t"}, "paths": {}}}
HTTP_API = {"StageName": "prod"}
STATE_MACHINE = {"Definition": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                 "Role": "arn:aws:iam::123456789012:role/r"}
LAYER = {"ContentUri": "s3://bucket/layer.zip"}

ROLE_A, ROLE_B = "arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/b"

# (SAM type, base properties, property, value A, value B)
PROBES = [
    ("AWS::Serverless::Function", FUNCTION, "FunctionName", "fn-a", "fn-b"),
    ("AWS::Serverless::Function", FUNCTION, "Timeout", 3, 30),
    ("AWS::Serverless::Function", FUNCTION, "MemorySize", 128, 256),
    ("AWS::Serverless::Function", FUNCTION, "Runtime", "python3.11", "python3.12"),
    ("AWS::Serverless::Function", FUNCTION, "Handler", "a.handler", "b.handler"),
    ("AWS::Serverless::Function", FUNCTION, "CodeUri", "s3://bucket/a.zip", "s3://bucket/b.zip"),
    ("AWS::Serverless::Function", FUNCTION, "Description", "a", "b"),
    ("AWS::Serverless::Function", FUNCTION, "Role", ROLE_A, ROLE_B),
    ("AWS::Serverless::Function", FUNCTION, "Environment", {"Variables": {"A": "1"}}, {"Variables": {"A": "2"}}),
    ("AWS::Serverless::Function", FUNCTION, "Tags", {"team": "a"}, {"team": "b"}),
    ("AWS::Serverless::Function", FUNCTION, "Architectures", ["x86_64"], ["arm64"]),
    ("AWS::Serverless::Function", FUNCTION, "Tracing", "Active", "PassThrough"),
    ("AWS::Serverless::Function", FUNCTION, "ReservedConcurrentExecutions", 1, 2),
    ("AWS::Serverless::Function", FUNCTION, "KmsKeyArn", "arn:aws:kms:us-east-1:123456789012:key/a",
     "arn:aws:kms:us-east-1:123456789012:key/b"),
    ("AWS::Serverless::Function", FUNCTION, "EphemeralStorage", {"Size": 512}, {"Size": 1024}),
    ("AWS::Serverless::SimpleTable", TABLE, "TableName", "table-a", "table-b"),
    ("AWS::Serverless::SimpleTable", TABLE, "PrimaryKey", {"Name": "id", "Type": "String"},
     {"Name": "pk", "Type": "String"}),
    ("AWS::Serverless::SimpleTable", TABLE, "ProvisionedThroughput", {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
     {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}),
    ("AWS::Serverless::SimpleTable", TABLE, "SSESpecification", {"SSEEnabled": False}, {"SSEEnabled": True}),
    ("AWS::Serverless::SimpleTable", TABLE, "Tags", {"team": "a"}, {"team": "b"}),
    ("AWS::Serverless::Api", API, "Name", "api-a", "api-b"),
    ("AWS::Serverless::Api", API, "StageName", "prod", "dev"),
    ("AWS::Serverless::Api", API, "Description", "a", "b"),
    ("AWS::Serverless::Api", API, "EndpointConfiguration", "REGIONAL", "EDGE"),
    ("AWS::Serverless::Api", API, "Tags", {"team": "a"}, {"team": "b"}),
    ("AWS::Serverless::HttpApi", HTTP_API, "StageName", "prod", "dev"),
    ("AWS::Serverless::HttpApi", HTTP_API, "Description", "a", "b"),
    ("AWS::Serverless::HttpApi", HTTP_API, "Tags", {"team": "a"}, {"team": "b"}),
    ("AWS::Serverless::StateMachine", STATE_MACHINE, "Name", "sm-a", "sm-b"),
    ("AWS::Serverless::StateMachine", STATE_MACHINE, "Type", "STANDARD", "EXPRESS"),
    ("AWS::Serverless::StateMachine", STATE_MACHINE, "Role", ROLE_A, ROLE_B),
    ("AWS::Serverless::StateMachine", STATE_MACHINE, "Tags", {"team": "a"}, {"team": "b"}),
    ("AWS::Serverless::LayerVersion", LAYER, "LayerName", "layer-a", "layer-b"),
    ("AWS::Serverless::LayerVersion", LAYER, "ContentUri", "s3://bucket/a.zip", "s3://bucket/b.zip"),
    ("AWS::Serverless::LayerVersion", LAYER, "CompatibleRuntimes", ["python3.11"], ["python3.12"]),
    ("AWS::Serverless::LayerVersion", LAYER, "Description", "a", "b"),
]


class PackgenError(Exception):
    pass


class _Policies:
    def load(self) -> dict:
        return {}


def translate(resource_type: str, properties: dict) -> dict:
    from samtranslator.translator.transform import transform

    template = {"Transform": "AWS::Serverless-2016-10-31",
                "Resources": {"R": {"Type": resource_type, "Properties": copy.deepcopy(properties)}}}
    pseudo = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}
    return transform(template, pseudo, _Policies())["Resources"]


def _stable(resources: dict) -> dict:
    """Logical IDs with content hashes (R Version1a2b3c) keyed by type and prefix instead."""
    out = {}
    for logical_id, resource in resources.items():
        key = (resource["Type"], logical_id.rstrip("0123456789abcdef") if "Version" in logical_id or "Deployment" in logical_id else logical_id)
        out[key] = resource.get("Properties") or {}
    return out


def feeds(resource_type: str, base: dict, prop: str, a, b) -> set[tuple[str, str]]:
    left = _stable(translate(resource_type, {**base, prop: a}))
    right = _stable(translate(resource_type, {**base, prop: b}))
    out = set()
    for key in sorted(set(left) | set(right)):
        generated_type = key[0]
        if key not in left or key not in right:
            out.add((generated_type, "*"))
            continue
        for name in sorted(set(left[key]) | set(right[key])):
            if left[key].get(name) != right[key].get(name):
                out.add((generated_type, name))
    return out


def rows() -> list[tuple[str, ...]]:
    version = importlib.metadata.version("aws-sam-translator")
    if version != SAM_TRANSLATOR_VERSION:
        raise PackgenError(f"aws-sam-translator {version} is installed, the generator pins {SAM_TRANSLATOR_VERSION}")
    source = f"aws-sam-translator {version}"
    out = set()
    for resource_type, base, prop, a, b in PROBES:
        fed = feeds(resource_type, base, prop, a, b)
        if not fed:
            raise PackgenError(f"{resource_type}.{prop}: the two values translate alike; fix the probe")
        for generated_type, name in fed:
            out.add((resource_type, prop, generated_type, name, source))
    return sorted(out)


def render(data: list[tuple[str, ...]]) -> str:
    lines = [
        f"# Generated by {TOOL} from aws-sam-translator {SAM_TRANSLATOR_VERSION} (each SAM property, two values "
        "through the transform, and the generated properties that differ). DO NOT EDIT.",
        "# columns: " + "\t".join(["sam_type", "sam_property", "generated_type", "generated_property", "source"]),
    ]
    lines += ["\t".join(row) for row in data]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if sam.tsv in --out differs")
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # the translator asks boto for a region
    try:
        text = render(rows())
    except PackgenError as exc:
        print(f"packgen: {exc}", file=sys.stderr)
        return 2
    path = args.out / "sam.tsv"
    if args.check:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            print(f"stale, regenerate with {TOOL}: {path}", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
