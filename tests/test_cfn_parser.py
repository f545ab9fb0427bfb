"""CloudFormation templates → Resources: detection, bodies, positions, meta, robustness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iaclint.core.model import Expr, Pos, Resource
from iaclint.languages.cloudformation import template as cloudformation
from iaclint.languages.json_reader import to_plain
from iaclint.languages.cloudformation.template import (
    ParsedTemplate,
    Problem,
    load_text,
    looks_like_template,
    parse_template,
)

DATA = Path(__file__).parent / "data" / "cfn"
SAMPLES = sorted(p for p in DATA.iterdir() if p.is_file())
YAML_SAMPLES = [p for p in SAMPLES if p.suffix != ".json"]


def parse(name: str) -> ParsedTemplate:
    result = parse_template((DATA / name).read_text(), f"templates/{name}", name)
    assert result.problems == []
    return result


def parse_text(text: str) -> ParsedTemplate:
    return parse_template(text, "t.yaml", "t")


# -- detection --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_look_like_templates(path):
    assert looks_like_template(path.read_text())
    assert looks_like_template(path.read_bytes())


@pytest.mark.parametrize(
    "text",
    [
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n",
        '{"Resources": {"Q": {"Type" : "AWS::SQS::Queue"}}}',
        "Resources:\n  Q:\n    'Type': 'Custom::Thing'\n",
        "AWSTemplateFormatVersion: '2010-09-09'\n",
        "\ufeff---\n# a SAM app\nTransform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n",
        '\ufeff {"Resources": {"F": {"Type": "AWS::Lambda::Function"}}}',
    ],
)
def test_looks_like_template(text):
    assert looks_like_template(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec: {}\n",
        "services:\n  web:\n    image: nginx\n",
        '{"name": "pkg", "version": "1.0.0", "dependencies": {}}',
        '{"resource": {"aws_s3_bucket": {"b": {"bucket": "x"}}}}',
        "resources:\n  - type: AWS::S3::Bucket\n",  # lower-case: not CloudFormation
        "Type: AWS::S3::Bucket\n",  # a Type but no Resources
        # serverless.yml: CloudFormation resources, but not a template
        "service: orders\nresources:\n  Resources:\n    Table:\n      Type: AWS::DynamoDB::Table\n",
    ],
)
def test_does_not_look_like_template(text):
    assert not looks_like_template(text)


# -- resources --------------------------------------------------------------------------------


def test_vpc_rds_resources():
    result = parse("vpc_rds.yaml")
    assert result.format == "yaml"
    assert {name: r.type for name, r in result.resources.items()} == {
        "Vpc": "AWS::EC2::VPC",
        "SubnetA": "AWS::EC2::Subnet",
        "SubnetB": "AWS::EC2::Subnet",
        "DatabaseSecurityGroup": "AWS::EC2::SecurityGroup",
        "DatabaseSubnetGroup": "AWS::RDS::DBSubnetGroup",
        "DatabaseSecret": "AWS::SecretsManager::Secret",
        "Database": "AWS::RDS::DBInstance",
        "ReadReplica": "AWS::RDS::DBInstance",
    }
    db = result.resources["Database"]
    assert isinstance(db, Resource)
    assert (db.address, db.name, db.stack, db.path, db.language) == (
        "Database",
        "Database",
        "vpc_rds.yaml",
        "templates/vpc_rds.yaml",
        "cloudformation",
    )
    assert db.pos == Pos(95, 3, 117)
    assert db.meta == {
        "deletion_policy": "Snapshot",
        "update_replace_policy": "Snapshot",
        "update_policy": None,
        "condition": None,
        "depends_on": ["DatabaseSecret"],
        "allow": [],
        "foreach": None,
        "resolved": {"AllocatedStorage": "50", "DBInstanceClass": "db.t4g.medium", "DBInstanceIdentifier": "orders-dev"},
        "end_line": 117,
    }
    assert db.sources["DBInstanceIdentifier"].startswith("!Sub ")
    assert result.resources["ReadReplica"].meta["condition"] == "IsProd"
    assert result.resources["ReadReplica"].meta["deletion_policy"] == "Delete"
    assert result.parameters["Environment"]["Default"] == "dev"
    assert set(result.outputs) == {"DatabaseEndpoint", "VpcId"}
    assert result.positions["Outputs.VpcId"] == Pos(132, 3)


def test_bodies_are_plain_strings_with_long_form_intrinsics():
    db = parse("vpc_rds.yaml").resources["Database"]
    body = db.body
    assert body["StorageEncrypted"] == "true"
    assert body["BackupRetentionPeriod"] == "7"
    assert body["EnablePerformanceInsights"] == "true"  # YAML 1.1 `yes`
    assert body["MultiAZ"] == {"Fn::If": ["IsProd", "true", "false"]}
    assert body["VPCSecurityGroups"] == [{"Fn::GetAtt": ["DatabaseSecurityGroup", "GroupId"]}]
    assert body["DeletionProtection"] == {"Fn::If": ["IsProd", "true", {"Ref": "AWS::NoValue"}]}

    def plain(value):
        if isinstance(value, dict):
            assert type(value) is dict
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            assert type(value) is list
            return all(plain(v) for v in value)
        return value is None or type(value) is str

    for path in SAMPLES:
        for resource in parse(path.name).resources.values():
            assert plain(resource.body), (path.name, resource.address)


def test_parameter_defaults_and_mappings_are_resolved():
    resources = parse("vpc_rds.yaml").resources
    db = resources["Database"].body
    assert db["DBInstanceClass"] == {"Ref": "DBInstanceClass", "Default": "db.t4g.medium"}
    assert db["AllocatedStorage"] == {"Ref": "AllocatedStorage", "Default": "50"}
    assert db["DBInstanceIdentifier"] == {
        "Fn::Sub": "orders-${Environment}",
        "Defaults": {"Environment": "dev"},
    }
    assert db["DBSubnetGroupName"] == {"Ref": "DatabaseSubnetGroup"}  # a resource: nothing to add
    assert resources["Vpc"].body["CidrBlock"] == {
        "Fn::FindInMap": ["CidrByEnvironment", "dev", "Vpc"],
        "Value": "10.10.0.0/16",
    }
    # Sub with its own variables: those are not parameters
    text = """
Parameters:
  Env: {Type: String, Default: dev}
  Name: {Type: String, Default: ignored}
Mappings:
  M: {a: {b: 1}}
Resources:
  P:
    Type: AWS::SSM::Parameter
    Properties:
      Value: !Sub ['${Env}-${Name}-${!Literal}-${AWS::Region}', {Name: x}]
      Missing: !FindInMap [M, a, nope]
      Dynamic: !FindInMap [M, !Ref Env, b]
      Defaulted: !FindInMap [M, a, nope, {DefaultValue: 7}]
      Att: {"Fn::GetAtt": "Thing.Arn"}
"""
    body = parse_text(text).resources["P"].body
    assert body["Value"] == {
        "Fn::Sub": ["${Env}-${Name}-${!Literal}-${AWS::Region}", {"Name": "x"}],
        "Defaults": {"Env": "dev"},
    }
    assert body["Missing"] == {"Fn::FindInMap": ["M", "a", "nope"]}
    assert body["Dynamic"] == {"Fn::FindInMap": ["M", {"Ref": "Env", "Default": "dev"}, "b"]}
    assert body["Defaulted"] == {"Fn::FindInMap": ["M", "a", "nope", {"DefaultValue": "7"}], "Value": "7"}
    assert body["Att"] == {"Fn::GetAtt": ["Thing", "Arn"]}


def test_computed_policies():
    text = """Parameters:
  Keep: {Type: String, Default: Retain}
Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "111111111111"]
Resources:
  A:
    Type: AWS::S3::Bucket
    DeletionPolicy: !Ref Keep
    UpdateReplacePolicy: !If [IsProd, Retain, Delete]
"""
    meta = parse_text(text).resources["A"].meta
    assert meta["deletion_policy"] == "Retain"
    policy = meta["update_replace_policy"]
    assert isinstance(policy, Expr) and policy not in {"Retain", "RetainExceptOnCreate"}
    assert json.loads(policy.text) == {"Fn::If": ["IsProd", "Retain", "Delete"]}


def test_changing_a_default_changes_the_body():
    text = "Parameters:\n  Size: {Type: Number, Default: %s}\nResources:\n  V:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: !Ref Size\n"
    before = parse_text(text % "100").resources["V"].body
    after = parse_text(text % "200").resources["V"].body
    assert before != after


def test_storage_positions():
    resources = parse("storage.yaml").resources
    bucket = resources["ArchiveBucket"]
    assert bucket.pos == Pos(27, 3, 57)
    assert bucket.positions["@Type"] == Pos(28, 5)
    assert bucket.positions["@DeletionPolicy"] == Pos(29, 5)
    assert bucket.positions["@UpdateReplacePolicy"] == Pos(30, 5)
    assert bucket.positions["BucketName"] == Pos(37, 7, 37)  # a !Sub: a one-line mapping
    assert bucket.positions["VersioningConfiguration"] == Pos(38, 7, 39)
    assert bucket.positions["VersioningConfiguration.Status"] == Pos(39, 9)
    assert bucket.positions["BucketEncryption.ServerSideEncryptionConfiguration.0"] == Pos(42, 13, 45)
    assert bucket.pos_of("VersioningConfiguration.Status") == Pos(39, 9)
    assert bucket.pos_of("VersioningConfiguration.MFADelete") == Pos(38, 7, 39)
    assert bucket.pos_of("Nope.Nothing") == bucket.pos
    table = resources["OrdersTable"]
    assert table.positions["KeySchema.0.AttributeName"] == Pos(92, 11)
    assert table.positions["KeySchema.1"] == Pos(94, 11, 95)
    assert table.positions["KeySchema.1.KeyType"] == Pos(95, 11)


def test_json_positions():
    queue = parse("queues.json").resources["FulfilmentQueue"]
    assert queue.pos == Pos(27, 5, 39)
    assert queue.positions["@Type"] == Pos(28, 7)
    assert queue.positions["RedrivePolicy.maxReceiveCount"] == Pos(36, 11)
    assert queue.body["FifoQueue"] == "true"
    assert queue.body["VisibilityTimeout"] == {"Ref": "VisibilityTimeout", "Default": "60"}


def test_sam_application():
    result = parse("sam_app.yaml")
    assert result.transform == ["AWS::Serverless-2016-10-31"]
    types = {name: r.type for name, r in result.resources.items()}
    assert types["ThumbnailFunction"] == "AWS::Serverless::Function"
    assert types["ImagesTable"] == "AWS::Serverless::SimpleTable"
    assert types["ThumbnailApi"] == "AWS::Serverless::Api"
    assert types["PublicHttpApi"] == "AWS::Serverless::HttpApi"
    assert types["SharedLayer"] == "AWS::Serverless::LayerVersion"
    function = result.resources["ThumbnailFunction"].body
    assert function["Events"]["Upload"]["Properties"]["Bucket"] == {"Ref": "UploadsBucket"}
    assert function["FunctionName"] == {"Fn::Sub": "thumbnailer-${Stage}", "Defaults": {"Stage": "v1"}}
    bucket = result.resources["UploadsBucket"]
    assert bucket.body == {} and bucket.meta["deletion_policy"] == "Retain"


def test_nested_stacks_and_custom_resources():
    resources = parse("nested_parent.yaml").resources
    data = resources["DataStack"]
    assert data.type == "AWS::CloudFormation::Stack"
    assert data.meta["depends_on"] == ["NetworkStack"]
    assert data.body["Parameters"]["SubnetIds"] == {"Fn::GetAtt": ["NetworkStack", "Outputs.PrivateSubnets"]}
    assert data.body["Parameters"]["VpcId"] == {"Fn::GetAtt": ["NetworkStack", "Outputs.VpcId"]}
    assert resources["WaitHandle"].body == {}
    assert resources["CustomSeed"].type == "Custom::SeedData"
    assert resources["CustomSeed"].body["Rows"] == "100"


def test_every_short_form_tag():
    result = parse("all_tags.yaml")
    assert result.transform == ["AWS::LanguageExtensions"]
    instance = result.resources["Instance"].body
    assert instance["InstanceType"] == {
        "Fn::FindInMap": ["Sizes", {"Ref": "Env", "Default": "dev"}, "Instance"],
        "Value": "t3.small",  # looked up under the parameter's default
    }
    assert instance["UserData"]["Fn::Base64"]["Fn::Sub"].startswith("#!/bin/bash")
    assert instance["Tags"][4]["Value"] == {"Fn::Length": ["a", "b", "c"]}
    snippet = result.resources["Snippet"].body
    assert snippet["AllowedPattern"] == {"Fn::Unknown": "some-future-function"}
    assert snippet["Value"] == {
        "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://my-bucket/snippet.yaml"}}
    }
    assert result.resources["Parameters"].body["Value"]["Fn::ToJsonString"]["encrypted"] == {
        "Fn::If": ["Encrypted", "true", "false"]
    }
    assert result.conditions["NotDev"] == {"Fn::Not": [{"Condition": "IsDev"}]}


def test_allow_metadata_and_comments():
    bucket = parse("storage.yaml").resources["ArchiveBucket"]
    assert bucket.meta["allow"] == [
        {"rule": "IAC101", "reason": "the bucket name is set once, at creation", "line": 34}
    ]
    text = """Resources:
  # iaclint: allow IAC301 -- the queue is recreated by the app
  Q:
    Type: AWS::SQS::Queue  # iaclint: allow IAC101
    Metadata:
      iaclint:
        allow: IAC999
  R:
    Type: AWS::SQS::Queue
    Metadata: {iaclint: {allow: [{reason: forgot the rule}]}}
"""
    result = parse_text(text)
    q = result.resources["Q"]
    assert q.comments == [
        (Pos(2, 3), "# iaclint: allow IAC301 -- the queue is recreated by the app"),
        (Pos(4, 28), "# iaclint: allow IAC101"),
    ]
    assert q.meta["allow"] == [{"rule": "IAC999", "reason": None, "line": 7}]
    assert result.resources["R"].meta["allow"] == []
    assert [(p.line, p.fatal) for p in result.problems] == [(10, False)]


def test_end_lines():
    resources = parse("lambda_api.yml").resources
    # the inline code ends at line 54; the blank line after it is not part of the resource
    assert resources["Function"].positions["Code"] == Pos(49, 7, 54)
    assert resources["Function"].meta["end_line"] == 57
    assert resources["Stage"].meta["end_line"] == 109  # the last line of the file
    assert parse("queues.json").resources["NightlyReconcileRule"].pos == Pos(59, 5, 73)


def test_foreach_expands():
    text = """Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: CommaDelimitedList, Default: "orders, billing-v2"}
Resources:
  Fn::ForEach::Topics:
    - Name
    - !Ref Names
    - Topic&{Name}:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub "${Name}-events"
          DisplayName: !Ref Name
  Fn::ForEach::Broken: [X, !GetAtt A.B, {}]
"""
    result = parse_text(text)
    assert sorted(result.resources) == ["Topicbillingv2", "Topicorders"]
    topic = result.resources["Topicbillingv2"]
    assert topic.body == {"TopicName": {"Fn::Sub": "billing-v2-events"}, "DisplayName": "billing-v2"}
    assert topic.pos == Pos(8, 7, 12)
    assert topic.meta["foreach"] == "Fn::ForEach::Topics"
    assert topic.positions["TopicName"] == Pos(11, 11, 11)
    assert [(p.line, p.fatal) for p in result.problems] == [(13, False)]


def test_foreach_bomb_is_bounded():
    inner = "{}"
    for level in range(8):
        inner = (
            "{"
            + f'"Fn::ForEach::L{level}": ["I{level}", ["a","b","c","d","e","f","g","h","i","j"], {inner}]'
            + "}"
        )
    result = parse_template('{"Resources": ' + inner + "}", "x", "x")
    assert result.resources == {}
    assert len(result.problems) == 1 and "expands to more than" in result.problems[0].message


# -- YAML and JSON mean the same --------------------------------------------------------------


def comparable(resource: Resource) -> tuple:
    meta = dict(resource.meta, end_line=None, allow=[dict(a, line=None) for a in resource.meta["allow"]])
    return resource.type, resource.body, meta


@pytest.mark.parametrize("path", YAML_SAMPLES, ids=lambda p: p.name)
def test_yaml_and_its_json_conversion_agree(path):
    text = path.read_text()
    fmt, data, _ = load_text(text)
    assert fmt == "yaml"
    as_json = json.dumps(to_plain(data), indent=2)
    from_yaml = parse_template(text, "a", "s")
    from_json = parse_template(as_json, "b", "s")
    assert from_json.format == "json" and from_json.problems == []
    assert from_yaml.resources.keys() == from_json.resources.keys()
    for name in from_yaml.resources:
        assert comparable(from_yaml.resources[name]) == comparable(from_json.resources[name])
        assert from_yaml.resources[name].positions.keys() == from_json.resources[name].positions.keys()


def test_handwritten_json_twin_agrees():
    """storage.json writes booleans and numbers as strings in places, and GetAtt as "A.B"."""
    yaml_result, json_result = parse("storage.yaml"), parse("storage.json")
    assert yaml_result.resources.keys() == json_result.resources.keys()
    for name in yaml_result.resources:
        assert comparable(yaml_result.resources[name]) == comparable(json_result.resources[name])


# -- problems ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("", 1, 1),
        ("Resources:\n  A: [\n", 3, 1),
        ("- just\n- a list\n", 1, 1),
        ("AWSTemplateFormatVersion: '2010-09-09'\n", 1, 1),
        ("Resources: [a]\n", 1, 1),
        ('{"Resources": {"A": {"Type": "X",}}', 1, 34),  # not JSON, nor YAML: the JSON error
        ("Resources:\n  A: !Ref\n    - x\n  - y\n", 4, 3),
    ],
)
def test_unreadable_templates_are_fatal(text, line, column):
    result = parse_text(text)
    assert result.fatal
    assert result.resources == {}
    assert [(p.line, p.column, p.fatal) for p in result.problems] == [(line, column, True)]


def test_malformed_resources_are_kept_with_problems():
    text = """Resources:
  NoType:
    Properties: {A: 1}
  BadProps:
    Type: AWS::SQS::Queue
    Properties: [1]
  Scalar: hello
  Dup: {Type: AWS::SNS::Topic}
  Dup: {Type: AWS::SQS::Queue}
"""
    result = parse_text(text)
    assert not result.fatal
    assert {name: r.type for name, r in result.resources.items()} == {
        "NoType": "",
        "BadProps": "AWS::SQS::Queue",
        "Scalar": "",
        "Dup": "AWS::SQS::Queue",
    }
    assert result.resources["NoType"].body == {"A": "1"}
    assert sorted((p.line, p.fatal) for p in result.problems) == [
        (2, False),
        (6, False),
        (7, False),
        (9, False),
    ]


def test_bytes_input():
    text = (DATA / "storage.yaml").read_text()
    assert (
        parse_template(text.encode(), "a", "s").resources.keys()
        == parse_template(text, "a", "s").resources.keys()
    )
    assert parse_template(b"\xef\xbb\xbf" + text.encode(), "a", "s").problems == []
    result = parse_template(b"Resources:\n  A:\n    Type: \xff\xfe\n", "a", "s")
    assert [(p.line, p.column, p.fatal) for p in result.problems] == [(3, 11, True)]
    assert "UTF-8" in result.problems[0].message


def test_alias_bomb_is_fatal():
    bomb = "Resources:\n  L0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in range(1, 10):
        bomb += f"  L{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]\n"
    result = parse_text(bomb)
    assert result.fatal and "aliases" in result.problems[0].message


@pytest.mark.parametrize(
    "error", [RecursionError, MemoryError, ValueError, UnicodeDecodeError("utf-8", b"", 0, 1, "x")]
)
def test_unexpected_errors_become_fatal_problems(monkeypatch, error):
    def explode(text):
        raise error

    monkeypatch.setattr(cloudformation, "load_text", explode)
    result = parse_text("Resources: {}")
    assert result.fatal and result.resources == {}
    assert result.problems[0].line == 1


# -- never raises -----------------------------------------------------------------------------

SAMPLE_TEXTS = [p.read_text() for p in SAMPLES]


def check_result(result: ParsedTemplate) -> None:
    assert isinstance(result, ParsedTemplate)
    assert all(isinstance(p, Problem) and p.line >= 1 and p.column >= 1 for p in result.problems)
    if result.fatal:
        assert result.resources == {}
    for resource in result.resources.values():
        assert isinstance(resource.body, dict) and resource.pos.line >= 1


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data):
    check_result(parse_template(data, "x", "x"))
    check_result(parse_template(data.decode("utf-8", errors="replace"), "x", "x"))
    check_result(parse_template(data.decode("latin-1"), "x", "x"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet=st.sampled_from(list("{}[]:,-!&*?|>'\"# \n\t\r\x00\ufeff\udcffaA1.\\<=~")), max_size=200)
)
def test_structural_noise_never_raises(text):
    check_result(parse_template(text, "x", "x"))
    check_result(parse_template("Resources:\n  A:\n" + text, "x", "x"))


MUTATIONS = {
    "truncate": lambda text, i, junk: text[:i],
    "insert": lambda text, i, junk: text[:i] + junk + text[i:],
    "replace": lambda text, i, junk: text[:i] + junk + text[i + len(junk) :],
    "nul": lambda text, i, junk: text[:i] + "\x00" + text[i:],
    "bom": lambda text, i, junk: "\ufeff" + text,
    "crlf": lambda text, i, junk: text.replace("\n", "\r\n"),
    "cr": lambda text, i, junk: text.replace("\n", "\r"),
    "tabs": lambda text, i, junk: text.replace("  ", "\t", 3),
    "surrogate": lambda text, i, junk: text[:i] + "\udcff" + text[i:],
    "deep": lambda text, i, junk: text[:i] + "[" * 5000 + text[i:],
    "deep-json": lambda text, i, junk: text[:i] + '{"a":' * 5000 + text[i:],
    "huge-number": lambda text, i, junk: text[:i] + "9" * 6000 + text[i:],
    "duplicate-line": lambda text, i, junk: "\n".join(
        line for n, line in enumerate(text.split("\n")) for _ in range(2 if n == i % 50 else 1)
    ),
    "alias": lambda text, i, junk: text[:i] + " &a x *a *b " + text[i:],
}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SAMPLE_TEXTS),
    st.lists(
        st.tuples(st.sampled_from(sorted(MUTATIONS)), st.integers(0, 6000), st.text(max_size=8)),
        min_size=1,
        max_size=3,
    ),
)
def test_mutated_samples_never_raise(text, mutations):
    for name, index, junk in mutations:
        text = MUTATIONS[name](text, index % (len(text) + 1), junk)
    check_result(parse_template(text, "x", "x"))
    encoded = text.encode("utf-8", errors="surrogateescape")  # invalid UTF-8 where surrogates were
    check_result(parse_template(encoded, "x", "x"))


def _template_texts():
    root = Path(__file__).parent
    for path in sorted(root.rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json", ".template") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            if cloudformation.looks_like_template(text):
                yield path, text


def test_properties_in_one_walk_equal_the_three_reference_walks():
    """`_Values.properties` builds body, positions and the intrinsics as written in one walk;
    on every template of the tests it gives what `_Values.value`, `_positions` and
    `shown.annotate` give apart, in the same order."""
    from iaclint.languages.cloudformation import shown
    from iaclint.languages.cloudformation.template import _positions, _Values, load_text

    seen = 0
    for path, text in _template_texts():
        try:
            fmt, data, _ = load_text(text)
        except cloudformation.LoadError:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
            continue
        params = to_plain(data.get("Parameters")) if isinstance(data.get("Parameters"), dict) else {}
        maps = to_plain(data.get("Mappings")) if isinstance(data.get("Mappings"), dict) else {}
        values = _Values(params, maps)
        for spec in data["Resources"].values():
            props = spec.get("Properties") if isinstance(spec, dict) else None
            if not isinstance(props, cloudformation.Mapping):
                continue
            positions, written, resolved = {}, {}, {}
            body = values.properties(props, fmt, positions, written, resolved)
            ref_positions: dict = {}
            _positions(props, "", ref_positions)
            ref_body = values.value(props)
            ref_written, ref_resolved = shown.annotate(ref_body, fmt, values.noecho)
            assert body == ref_body, path
            assert list(positions.items()) == list(ref_positions.items()), path
            assert list(written.items()) == list(ref_written.items()), path
            assert list(resolved.items()) == list(ref_resolved.items()), path
            seen += 1
    assert seen > 100
