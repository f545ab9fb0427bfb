"""The CloudFormation YAML and JSON loaders: same data as cfn-lint, positions, guards."""

from __future__ import annotations

import datetime
import importlib.util
import math
import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cfnlint.decode import cfn_json as cfnlint_json
from cfnlint.decode import decode_str
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from iaclint.languages import json_reader as cfn_json
from iaclint.languages.cloudformation import yaml_reader as cfn_yaml
from iaclint.languages.json_reader import LoadError, Mapping, Sequence, to_plain

DATA = Path(__file__).parent / "data" / "cfn"
SAMPLES = sorted(p for p in DATA.iterdir() if p.is_file())
YAML_SAMPLES = [p for p in SAMPLES if p.suffix != ".json"]
JSON_SAMPLES = [p for p in SAMPLES if p.suffix == ".json"]


def cfnlint_plain(value):
    """cfn-lint's decoded template as plain data; its YAML dates back to the text they were."""
    if isinstance(value, dict):
        return {k: cfnlint_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [cfnlint_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def cfnlint_yaml(text: str):
    template, matches = decode_str(text)
    assert not matches, matches
    return cfnlint_plain(template)


# -- the same data as cfn-lint ----------------------------------------------------------------


def test_samples_exist():
    assert len(SAMPLES) >= 8
    assert JSON_SAMPLES and YAML_SAMPLES


@pytest.mark.parametrize("path", YAML_SAMPLES, ids=lambda p: p.name)
def test_yaml_sample_equals_cfnlint(path):
    text = path.read_text()
    data, issues = cfn_yaml.load(text)
    assert issues == []
    assert to_plain(data) == cfnlint_yaml(text)


@pytest.mark.parametrize("path", JSON_SAMPLES, ids=lambda p: p.name)
def test_json_sample_equals_cfnlint(path):
    text = path.read_text()
    data, issues = cfn_json.load(text)
    assert issues == []
    assert to_plain(data) == cfnlint_plain(cfnlint_json.loads(text))
    # and what cfn-lint's own front door (YAML first) makes of it
    assert to_plain(data) == cfnlint_yaml(text)


class Tag:
    """A short-form intrinsic in a generated template: `!name operand`."""

    def __init__(self, name: str, operand) -> None:
        self.name, self.operand = name, operand


TAG_NAMES = [
    "Ref",
    "GetAtt",
    "Sub",
    "If",
    "Join",
    "Select",
    "Split",
    "FindInMap",
    "Base64",
    "Cidr",
    "ImportValue",
    "GetAZs",
    "Equals",
    "And",
    "Or",
    "Not",
    "Condition",
    "Transform",
    "ToJsonString",
    "Length",
    "ForEach",
    "SomethingNew",
]

scalars = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + " -_./:*@,'\"{}[]#&!%|>?=~$\\", max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
keys = st.text(alphabet=string.ascii_lowercase + string.digits, max_size=8).map(lambda s: "K" + s)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(keys, inner, max_size=4),
        st.builds(Tag, st.sampled_from(TAG_NAMES), inner),
    ),
    max_leaves=25,
)


def flow_scalar(value) -> str:
    """The scalar as PyYAML would write it inside a flow collection."""
    return yaml.safe_dump([value], default_flow_style=True, width=10**9).strip()[1:-1]


def flow(value) -> str:
    if isinstance(value, Tag):
        operand = value.operand
        rendered = (
            flow(operand)
            if isinstance(operand, (dict, list, Tag))
            else flow_scalar("" if operand is None else str(operand))
        )
        # a tag must not be followed by another tag on the same node
        if isinstance(operand, Tag):
            rendered = "[" + rendered + "]"
        return f"!{value.name} {rendered}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return flow_scalar(value)


def block(value, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict) and value:
        out = []
        for key, item in value.items():
            tag, inner = "", item
            if isinstance(item, Tag) and isinstance(item.operand, (dict, list)) and item.operand:
                tag, inner = f" !{item.name}", item.operand
            if isinstance(inner, (dict, list)) and inner:
                out.append(f"{pad}{key}:{tag}\n{block(inner, indent + 2)}")
            else:
                out.append(f"{pad}{key}: {flow(item)}\n")
        return "".join(out)
    if isinstance(value, list) and value:
        out = []
        for item in value:
            if isinstance(item, (dict, list)) and item:
                out.append(f"{pad}-\n{block(item, indent + 2)}")
            else:
                out.append(f"{pad}- {flow(item)}\n")
        return "".join(out)
    return f"{pad}{flow(value)}\n"


def expected_json(value):
    """What a generated value is once intrinsics are in long form (for the JSON rendering)."""
    if isinstance(value, Tag):
        name = value.name if value.name in ("Ref", "Condition") else "Fn::" + value.name
        return {name: expected_json(value.operand)}
    if isinstance(value, dict):
        return {k: expected_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expected_json(v) for v in value]
    return value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, values, min_size=1, max_size=5), st.booleans())
def test_generated_yaml_equals_cfnlint(document, block_style):
    text = block(document, 0) if block_style else flow(document)
    # cfn-lint reads `!GetAtt {}` as `{"Fn::GetAtt": []}` (an empty mapping node looks like an
    # empty list to it); we keep the mapping. Neither is a valid GetAtt.
    assume("!GetAtt {}" not in text)
    data, _issues = cfn_yaml.load(text)
    assert to_plain(data) == cfnlint_yaml(text)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(keys, values, min_size=1, max_size=5), st.sampled_from([None, 2]))
def test_generated_json_equals_cfnlint(document, indent):
    import json

    text = json.dumps(expected_json(document), indent=indent)
    data, issues = cfn_json.load(text)
    assert issues == []
    assert to_plain(data) == cfnlint_plain(cfnlint_json.loads(text)) == json.loads(text)


# -- short forms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("!Ref Bucket", {"Ref": "Bucket"}),
        ("!Condition IsProd", {"Condition": "IsProd"}),
        ("!GetAtt Db.Endpoint.Address", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
        ("!GetAtt [Db, Endpoint.Address]", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
        ("!Sub '${AWS::StackName}-x'", {"Fn::Sub": "${AWS::StackName}-x"}),
        ("!Sub ['a-${X}', {X: !Ref Y}]", {"Fn::Sub": ["a-${X}", {"X": {"Ref": "Y"}}]}),
        ("!If [C, 1, !Ref AWS::NoValue]", {"Fn::If": ["C", 1, {"Ref": "AWS::NoValue"}]}),
        ("!Join [',', [a, b]]", {"Fn::Join": [",", ["a", "b"]]}),
        ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
        ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
        ("!FindInMap [M, k1, k2]", {"Fn::FindInMap": ["M", "k1", "k2"]}),
        ("!Base64 text", {"Fn::Base64": "text"}),
        ("!Cidr [10.0.0.0/16, 4, 8]", {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
        ("!ImportValue shared", {"Fn::ImportValue": "shared"}),
        ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
        ("!And [!Condition A, !Condition B]", {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}),
        ("!Or [!Condition A, !Condition B]", {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
        ("!Not [!Condition A]", {"Fn::Not": [{"Condition": "A"}]}),
        ("!Transform {Name: AWS::Include}", {"Fn::Transform": {"Name": "AWS::Include"}}),
        ("!ToJsonString {a: 1}", {"Fn::ToJsonString": {"a": 1}}),
        ("!Length [a, b]", {"Fn::Length": ["a", "b"]}),
        ("!ForEach [X, [a], {}]", {"Fn::ForEach": ["X", ["a"], {}]}),
        ("!Tomorrow thing", {"Fn::Tomorrow": "thing"}),
        ("!Ref 5", {"Ref": "5"}),  # the operand of a tagged scalar is its text
        ("!<!Ref> X", {"Ref": "X"}),
    ],
)
def test_short_forms(source, expected):
    data, _ = cfn_yaml.load(f"Value: {source}\n")
    assert data == {"Value": expected}
    assert to_plain(data) == cfnlint_yaml(f"Value: {source}\n")


def test_yaml_typing_follows_pyyaml_except_timestamps():
    text = "a: true\nb: yes\nc: 0x1F\nd: 1_000\ne: .inf\nf: ~\ng: 2012-10-17\nh: '5'\ni: 1.50\nj: !!str 7\n"
    data, _ = cfn_yaml.load(text)
    assert data == {
        "a": True,
        "b": True,
        "c": 31,
        "d": 1000,
        "e": math.inf,
        "f": None,
        "g": "2012-10-17",
        "h": "5",
        "i": 1.5,
        "j": "7",
    }


@pytest.mark.skipif(not hasattr(sys, "get_int_max_str_digits"), reason="this Python has no int digit limit")
def test_huge_numbers_are_kept_as_text():
    """Past int()'s digit limit (Python >= 3.10.7) a number stays the text it was written as."""
    digits = "9" * 5000
    data, _ = cfn_yaml.load(f"a: {digits}\nb: 0x{'f' * 5000}\n")
    assert data["a"] == digits and data["b"] == int("f" * 5000, 16)
    data, _ = cfn_json.load(f'{{"a": {digits}, "b": 1e999}}')
    assert data == {"a": digits, "b": math.inf}


def test_merge_keys_like_cfnlint():
    text = "base: &base {A: 1, B: 2}\nother: &o {B: 3, C: 4}\nthing:\n  <<: [*base, *o]\n  C: 5\n"
    data, issues = cfn_yaml.load(text)
    assert issues == []
    assert data["thing"] == {"A": 1, "B": 2, "C": 5}
    assert to_plain(data) == cfnlint_yaml(text)
    assert data["thing"].key_pos["A"] == (1, 14)  # merged keys point at their source


def test_merge_key_text_elsewhere_is_text():
    data, _ = cfn_yaml.load("a: <<\nb: [<<]\n")
    assert data == {"a": "<<", "b": ["<<"]}


# -- positions --------------------------------------------------------------------------------

YAML_TEXT = """\
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema:
        - AttributeName: pk
          KeyType: HASH
      Tags: [{Key: a, Value: !Ref X}]
      Script: |
        line one
        line two

  Next: {Type: AWS::SQS::Queue}
"""


def test_yaml_positions():
    data, _ = cfn_yaml.load(YAML_TEXT)
    resources = data["Resources"]
    assert resources.key_pos["Table"] == (2, 3)
    assert resources.key_pos["Next"] == (13, 3)
    table = resources["Table"]
    assert (table.line, table.column) == (3, 5)
    assert table.end_line == 11  # the block scalar's last line, not the blank one after it
    props = table["Properties"]
    assert props.key_pos["KeySchema"] == (5, 7)
    schema = props["KeySchema"]
    assert schema.item_pos == [(6, 11)]
    assert schema[0].key_pos == {"AttributeName": (6, 11), "KeyType": (7, 11)}
    tags = props["Tags"]
    assert (tags.line, tags.column, tags.end_line) == (8, 13, 8)
    assert tags[0].key_pos["Value"] == (8, 23)
    assert tags[0]["Value"].key_pos == {"Ref": (8, 30)}  # a short form is where its tag is
    assert resources["Next"].end_line == 13


def test_json_positions():
    text = '{\n  "Resources": {\n    "Q": {"Type": "AWS::SQS::Queue",\n      "Properties": {"Tags": [\n        {"Key": "a"},  "x"]}}\n  }\n}\n'
    data, _ = cfn_json.load(text)
    assert data.key_pos["Resources"] == (2, 3)
    q = data["Resources"]["Q"]
    assert data["Resources"].key_pos["Q"] == (3, 5)
    assert (q.line, q.column, q.end_line) == (3, 10, 5)
    assert q.key_pos == {"Type": (3, 11), "Properties": (4, 7)}
    assert q["Properties"]["Tags"].item_pos == [(5, 9), (5, 24)]
    assert q["Properties"]["Tags"][0].key_pos["Key"] == (5, 10)


@pytest.mark.parametrize("load", [cfn_yaml.load, cfn_json.load], ids=["yaml", "json"])
def test_crlf_and_bom_keep_lines(load):
    text = '{\r\n"A": 1,\r\n\r\n  "B": [\r\n 2]\r\n}\r\n'
    data, _ = load("\ufeff" + text)
    assert data == {"A": 1, "B": [2]}
    assert data.key_pos == {"A": (2, 1), "B": (4, 3)}
    assert data["B"].item_pos == [(5, 2)]


# -- problems and guards ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("load", "text", "line"),
    [
        (cfn_yaml.load, "A: 1\nB: 2\nA: 3\n", 3),
        (cfn_json.load, '{"A": 1,\n "B": 2,\n "A": 3}', 3),
    ],
    ids=["yaml", "json"],
)
def test_duplicate_keys_are_issues_and_the_last_wins(load, text, line):
    data, issues = load(text)
    assert data == {"A": 3, "B": 2}
    assert [(issue.line, "duplicate key 'A'" in issue.message) for issue in issues] == [(line, True)]
    assert data.key_pos["A"][0] == line


@pytest.mark.parametrize(
    ("load", "text", "line", "column"),
    [
        (cfn_yaml.load, "a: [1, 2\nb: 3\n", 2, 2),
        (cfn_yaml.load, "a:\n  - b\n c: d\n", 3, 2),
        (cfn_yaml.load, "a: \x00\n", 1, 4),
        (cfn_yaml.load, "a: '\udcff'\n", 1, 5),
        (cfn_yaml.load, "a: &x [1, *x]\n", 1, 11),
        (cfn_yaml.load, "a: *nowhere\n", 1, 4),
        (cfn_yaml.load, "a: &x 1\nb: &x 2\n", 2, 4),
        (cfn_yaml.load, "a: 1\n---\nb: 2\n", 2, 1),
        (cfn_yaml.load, "? [a]\n: 1\n", 1, 3),
        (cfn_yaml.load, "~: 1\n", 1, 1),
        (cfn_yaml.load, "a: !!python/object:os.system x\n", 1, 4),
        (cfn_json.load, '{"a": 1,\n "b": }', 2, 7),
        (cfn_json.load, '{"a": "x\ty"}', 1, 9),
        (cfn_json.load, '{"a": 1} extra', 1, 10),
        (cfn_json.load, '{"a": [1, 2}', 1, 12),
        (cfn_json.load, '{"a": "unterminated', 1, 7),
        (cfn_json.load, "  ", 1, 3),
    ],
)
def test_errors_have_lines(load, text, line, column):
    with pytest.raises(LoadError) as caught:
        load(text)
    assert (caught.value.line, caught.value.column) == (line, column), caught.value.message


def billion_laughs(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused():
    with pytest.raises(LoadError, match="aliases expand"):
        cfn_yaml.load(billion_laughs())


def test_modest_alias_use_is_fine():
    data, _ = cfn_yaml.load("tags: &t [{Key: a, Value: b}]\nother: *t\n")
    assert data["other"] == [{"Key": "a", "Value": "b"}]


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 1_000_000 + "]" * 1_000_000,
        "a: " + "{b: " * 100_000 + "}" * 100_000,
        "- " * 100_000 + "x\n",
        "".join(" " * i + f"k{i}:\n" for i in range(300)) + " " * 300 + "v: 1\n",
        "a: " + "!If [" * 150 + "]" * 150,
    ],
    ids=["flow-seq", "flow-map", "block-seq", "block-map", "tags"],
)
def test_deep_yaml_is_an_error_not_a_crash(text):
    # our own bound, or libyaml's (PyYAML >= 6.0.4 wheels stop at 1,000 flow levels)
    with pytest.raises(LoadError, match="nesting"):
        cfn_yaml.load(text)


def test_deep_json_is_an_error_not_a_crash():
    with pytest.raises(LoadError, match="nesting deeper"):
        cfn_json.load('{"a": ' + "[" * 1_000_000 + "]" * 1_000_000 + "}")


def test_depth_bound_allows_real_nesting():
    nested = "x"
    for _ in range(cfn_json.MAX_DEPTH - 1):
        nested = [nested]
    text = repr(nested).replace("'", '"')
    data, _ = cfn_json.load(text)
    data2, _ = cfn_yaml.load(text)
    assert to_plain(data) == to_plain(data2) == nested


# -- the loader without libyaml ---------------------------------------------------------------


@pytest.fixture
def pure_python_loader(monkeypatch):
    """A separate copy of cfn_yaml built while PyYAML has no C loader."""
    monkeypatch.delattr(yaml, "CSafeLoader")
    spec = importlib.util.spec_from_file_location("cfn_yaml_pure", cfn_yaml.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert not module.WITH_LIBYAML
    return module


def test_pure_python_fallback_reads_the_same(pure_python_loader):
    assert cfn_yaml.WITH_LIBYAML
    for path in YAML_SAMPLES:
        text = path.read_text()
        fast, _ = cfn_yaml.load(text)
        slow, _ = pure_python_loader.load(text)
        assert slow == fast
        assert slow["Resources"].key_pos == fast["Resources"].key_pos
    with pytest.raises(LoadError, match="nesting deeper"):
        pure_python_loader.load("a: " + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(LoadError, match="unacceptable character"):
        pure_python_loader.load("a: \x00")


def test_containers_are_plain_data():
    data, _ = cfn_yaml.load("a: [1, {b: c}]\n")
    assert isinstance(data, Mapping) and isinstance(data["a"], Sequence)
    plain = to_plain(data)
    assert type(plain) is dict and type(plain["a"]) is list and type(plain["a"][1]) is dict


def test_json_does_not_import_yaml():
    code = (
        "import sys\n"
        "from iaclint.languages.cloudformation.template import parse_template, looks_like_template\n"
        "text = open(sys.argv[1]).read()\n"
        "assert looks_like_template(text)\n"
        "assert parse_template(text, 'q.json', 'q').resources\n"
        "assert 'yaml' not in sys.modules, 'yaml imported'\n"
    )
    root = Path(__file__).parent.parent
    subprocess.run([sys.executable, "-c", code, str(JSON_SAMPLES[0])], check=True, cwd=root)
