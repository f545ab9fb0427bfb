"""A changed template read by what the change touched (`paired`) must read exactly as the whole
template does: every resource (touched ones at once, the rest when asked for), the changes, the
sections, the positions, the problems. Checked on every template pair of the case folders, on
generated templates with random edits, and on what the split refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iaclint.core.diff import diff_resources
from iaclint.engine.removed_positions import _span
from iaclint.languages.cloudformation import spans
from iaclint.languages.cloudformation.paired import LazyResources, parse_pair, read_pair, resources_read
from iaclint.languages.cloudformation.template import _Template, parse_template

CASES = Path(__file__).parent / "cases"
SECTIONS = ("transform", "parameters", "metadata", "rules", "mappings", "conditions", "outputs", "format", "positions")


def _same_as_whole(before: str, after: str) -> bool:
    """Asserts the paired read equals the whole read; False when the pair was read whole."""
    pair = parse_pair(before, after, "t.yaml", "t.yaml", "t.yaml")
    if pair is None:
        return False
    whole = parse_template(before, "t.yaml", "t.yaml"), parse_template(after, "t.yaml", "t.yaml")
    for side, full in zip(pair, whole):
        assert isinstance(side.resources, LazyResources)
        assert list(side.resources) == list(full.resources)
        # the lines a removed finding is moved around, told without reading the untouched resources
        assert side.resources.lines() == [_span(r) for r in full.resources.values()]
        for field in SECTIONS:
            assert getattr(side, field) == getattr(full, field), field
        assert all(p in full.problems for p in side.problems)
        # what the paired read does not report: a flaw (never a fatal one) inside a resource the
        # change did not touch, such as a duplicate key or a missing Type (the same text on both
        # sides: the flaw predates the change)
        touched = [(r.pos.line, r.pos.end_line or r.pos.line) for r in resources_read(side).values()]
        for p in full.problems:
            if p not in side.problems:
                assert not p.fatal and not any(a <= p.pos.line <= b for a, b in touched), p
        for name in full.resources:
            assert side.resources[name] == full.resources[name], name
            # a touched resource's positions are read from its span alone (`Untouched.positions`)
            assert list(side.resources[name].positions.items()) == list(full.resources[name].positions.items()), name
    paired_changes = diff_resources(resources_read(pair[0]), resources_read(pair[1]))
    whole_changes = diff_resources(whole[0].resources, whole[1].resources)
    assert [(c.kind, c.address, c.changed_paths) for c in paired_changes] == [(c.kind, c.address, c.changed_paths) for c in whole_changes]
    return True


def _case_pairs():
    for before in sorted(CASES.glob("*/*/before/**/*")):
        if before.suffix not in (".yaml", ".yml", ".json", ".template") or not before.is_file():
            continue
        after = Path(str(before).replace("/before/", "/after/", 1))
        if after.is_file():
            yield pytest.param(before, after, id=str(before.relative_to(CASES)))


@pytest.mark.parametrize("before, after", list(_case_pairs()))
def test_case_templates_read_paired_as_whole(before: Path, after: Path) -> None:
    b, a = before.read_text(encoding="utf-8", errors="replace"), after.read_text(encoding="utf-8", errors="replace")
    if "Resources" in b and "Resources" in a:
        _same_as_whole(b, a)


YAML = """\
AWSTemplateFormatVersion: '2010-09-09'
Description: two buckets and a queue
Parameters:
  Env:
    Type: String
    Default: dev
Resources:
  # the logs
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub 'logs-${Env}'
  Data:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties:
      BucketName: data
      Tags:
        - Key: team
          Value: core
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Ref Env
      Policy: |
        line one
        # not a comment

Outputs:
  DataArn:
    Value: !GetAtt Data.Arn
"""


def test_a_tag_edit_reads_only_the_touched_resource(monkeypatch) -> None:
    made = []
    original = _Template.resource

    def counting(self, name, *args, **kwargs):
        made.append(name)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(_Template, "resource", counting)
    pair = parse_pair(YAML, YAML.replace("Value: core", "Value: platform"), "t.yaml", "t.yaml", "t.yaml")
    assert pair is not None
    assert made == ["Data", "Data"]  # once per side; Logs and Queue are not read
    assert set(resources_read(pair[1])) == {"Data"}
    assert len(pair[1].resources) == 3 and "Queue" in pair[1].resources
    assert pair[1].resources["Queue"].body["QueueName"] == {"Ref": "Env", "Default": "dev"}
    assert made[-1] == "Queue"  # read when asked for


def test_yaml_edits_read_paired_as_whole() -> None:
    edits = [
        YAML.replace("Value: core", "Value: platform"),
        YAML.replace("BucketName: data", "BucketName: data2"),
        YAML.replace("Default: dev", "Default: prod"),  # context: Logs and Queue name Env
        YAML.replace("# the logs", "# the logs iaclint: allow IAC101 -- moved"),
        YAML.replace("        line one\n", "        line one changed\n"),
        YAML.replace("  Data:\n", "  Data2:\n"),
        YAML.replace("Outputs:\n  DataArn:\n    Value: !GetAtt Data.Arn\n", ""),
        YAML.replace("Description: two buckets and a queue", "Description: changed"),
    ]
    for after in edits:
        assert _same_as_whole(YAML, after)


def test_json_edits_read_paired_as_whole() -> None:
    template = {
        "Parameters": {"Env": {"Type": "String", "Default": "dev"}},
        "Resources": {
            "A": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "a-${Env}"}}},
            "B": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "b"}},
            "C": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "c"}},
        },
        "Outputs": {"X": {"Value": {"Ref": "A"}}},
    }
    for indent in (2, None):  # pretty and minified: one line keeps every column
        before = json.dumps(template, indent=indent)
        for change in ("b", "c"):
            edited = json.loads(before)
            edited["Resources"][change.upper()]["Properties"][{"b": "QueueName", "c": "TopicName"}[change]] = change * 3
            assert _same_as_whole(before, json.dumps(edited, indent=indent))
        dropped = json.loads(before)
        del dropped["Resources"]["C"]  # the last member goes: the comma before it with it
        assert _same_as_whole(before, json.dumps(dropped, indent=indent))
        first = json.loads(before)
        first["Resources"]["A"]["Properties"]["BucketName"] = "fixed"
        assert _same_as_whole(before, json.dumps(first, indent=indent))


@pytest.mark.parametrize(
    "text",
    [
        "Resources:\n  A: &base\n    Type: AWS::S3::Bucket\n  B: *base\n",  # anchors stand for other text
        "Resources: {A: {Type: AWS::S3::Bucket}}\n",  # a flow Resources section
        "Resources:\n  A:\n    Type: AWS::S3::Bucket\n  A:\n    Type: AWS::SQS::Queue\n",  # a duplicate
        "%YAML 1.1\n---\nResources:\n  A:\n    Type: AWS::S3::Bucket\n",  # a directive
        "Resources:\n- A\n",  # not a mapping
        "Description: x\n",  # no Resources
        '{"Resources": {"A": {"Type": "AWS::S3::Bucket"}, "A": {}}}',  # a duplicate in JSON
        '{"Resources": [1]}',
        '{"Resources": {"A": {"Type": "AWS::S3::Bucket"}}} # note',  # not JSON: read as YAML, whole
    ],
)
def test_the_split_refuses_what_it_is_unsure_of(text: str) -> None:
    assert spans.split(text) is None


def test_the_split_accepts_plain_text_that_looks_like_an_alias() -> None:
    text = "Description: see *this* and **that**\nResources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      P: 's3:*'\n"
    split = spans.split(text)
    assert split is not None and list(split.resources) == ["A"]


def test_a_pair_read_in_a_worker_comes_back_through_the_safe_unpickler() -> None:
    from iaclint.cache.store import dumps, loads

    read = read_pair(YAML, YAML.replace("Value: core", "Value: x"), "t.yaml", "t.yaml", "t.yaml")
    assert read is not None
    again = loads(dumps(read))
    assert (again.before, again.after, again.before_split, again.after_split) == (read.before, read.after, read.before_split, read.after_split)
    assert again.changes == read.changes


# -- generated templates, random edits ---------------------------------------------------------

_names = st.sampled_from(["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"])
_values = st.one_of(
    st.sampled_from(["x", "yes", "10", "2012-10-17", "a b", "'q'", "!Ref Env", "!Sub 'n-${Env}'", "[1, 2]"]),
    st.sampled_from(["|\n        body\n        # hash\n", "|+\n        kept\n\n", ">\n        folded\n"]),
)


@st.composite
def _templates(draw):
    names = draw(st.lists(_names, min_size=1, max_size=5, unique=True))
    resources = {}
    for name in names:
        props = draw(st.dictionaries(st.sampled_from(["P", "Q", "R"]), _values, max_size=3))
        resources[name] = props
    default = draw(st.sampled_from(["dev", "prod"]))
    comments = draw(st.lists(st.booleans(), min_size=len(names), max_size=len(names)))
    return default, resources, comments


def _yaml(default, resources, comments) -> str:
    lines = ["Parameters:", "  Env:", "    Type: String", f"    Default: {default}", "Resources:"]
    for (name, props), comment in zip(resources.items(), comments):
        if comment:
            lines.append("  # about " + name)
        lines += [f"  {name}:", "    Type: AWS::SQS::Queue"]
        if props:
            lines.append("    Properties:")
            for key, value in props.items():
                lines.append(f"      {key}: {value}".rstrip("\n"))
        lines.append("")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_templates(), _templates())
def test_generated_yaml_edits_read_paired_as_whole(one, other) -> None:
    before = _yaml(*one)
    # the edit: keep some resources of BEFORE as they were, take the rest from OTHER
    default, resources, comments = one
    o_default, o_resources, o_comments = other
    merged = dict(resources)
    merged.update({name: props for name, props in o_resources.items() if name not in ("Alpha",)})
    after = _yaml(o_default, merged, (comments + o_comments + [False] * len(merged))[: len(merged)])
    _same_as_whole(before, after)


@settings(max_examples=100, deadline=None)
@given(_templates(), _templates(), st.sampled_from([2, None]))
def test_generated_json_edits_read_paired_as_whole(one, other, indent) -> None:
    def as_json(default, resources) -> str:
        return json.dumps({
            "Parameters": {"Env": {"Type": "String", "Default": default}},
            "Resources": {
                name: {"Type": "AWS::SQS::Queue", "Properties": {k: v.strip() for k, v in props.items()}}
                for name, props in resources.items()
            },
        }, indent=indent)

    merged = dict(one[1])
    merged.update({name: props for name, props in other[1].items() if name != "Alpha"})
    _same_as_whole(as_json(one[0], one[1]), as_json(other[0], merged))


def test_a_flaw_in_untouched_text_reads_the_template_whole() -> None:
    # the same broken line on both sides, in a resource the change does not touch: the whole
    # read reports the template unreadable, so the pair must not be read around it
    broken = YAML.replace("      QueueName: !Ref Env\n", "      QueueName: [unclosed\n")
    assert parse_pair(broken, broken.replace("Value: core", "Value: x"), "t.yaml", "t.yaml", "t.yaml") is None
    assert parse_template(broken, "t.yaml", "t.yaml").fatal


def test_a_cascade_reads_only_the_resources_that_name_its_root(monkeypatch) -> None:
    from iaclint.core.blast import cascades

    text = "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n"
    text += "".join(
        f"  Subnet{i}:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.{i}.0/24\n"
        for i in range(3)
    )
    text += "".join(f"  Queue{i}:\n    Type: AWS::SQS::Queue\n" for i in range(20))
    pair = parse_pair(text, text.replace("10.0.0.0/16", "10.1.0.0/16"), "t.yaml", "t.yaml", "t.yaml")
    assert pair is not None
    after = pair[1].resources
    found = cascades({"Vpc": False}, after, lambda rtype: {"VpcId"} if rtype == "AWS::EC2::Subnet" else set())
    assert sorted(found[0].dependents) == ["Subnet0", "Subnet1", "Subnet2"]
    assert set(after._made) == {"Subnet0", "Subnet1", "Subnet2"}  # no queue was read


@pytest.mark.parametrize(
    "variant",
    [
        lambda t: t.replace("\n", "\r\n"),  # Windows line ends
        lambda t: t.replace("  Data:\n", '  "Data":\n').replace("  Queue:\n", "  # c1\n    # c2\n  'Queue':\n"),
        lambda t: "---\n" + t.rstrip("\n"),  # a document start, no newline at the end
    ],
    ids=["crlf", "quoted-keys-and-comments-above", "document-start-no-final-newline"],
)
def test_written_variants_read_paired_as_whole(variant) -> None:
    text = variant(YAML)
    for old, new in (("Value: core", "Value: x"), ("Default: dev", "Default: prod"), ("QueueName: !Ref Env", "QueueName: z")):
        assert _same_as_whole(text, text.replace(old, new))


def test_sections_no_resource_depends_on_are_read_when_first_asked_for() -> None:
    pair = parse_pair(YAML, YAML.replace("Value: core", "Value: x"), "t.yaml", "t.yaml", "t.yaml")
    assert pair is not None
    after = pair[1]
    assert "_later" in after.__dict__ and "outputs" not in after.__dict__
    assert after.parameters == {"Env": {"Type": "String", "Default": "dev"}}  # read at once
    whole = parse_template(YAML.replace("Value: core", "Value: x"), "t.yaml", "t.yaml")
    assert after.outputs == whole.outputs and after.positions == whole.positions
    assert "_later" not in after.__dict__


def test_a_duplicate_entry_in_an_unchanged_section_is_still_reported() -> None:
    text = YAML + "  DataArn:\n    Value: again\n"  # a second output of the same name
    assert parse_pair(text, text.replace("Value: core", "Value: x"), "t.yaml", "t.yaml", "t.yaml") is None
    assert any("duplicate" in p.message for p in parse_template(text, "t.yaml", "t.yaml").problems)


# -- real templates, mutated line by line -------------------------------------------------------

_CASE_TEXTS = [
    text
    for before, _after in (param.values for param in _case_pairs())
    for text in [before.read_text(encoding="utf-8", errors="replace")]
    if "Resources" in text
]


def _mutate(text: str, edits: list[tuple[int, float]]) -> str:
    lines = text.split("\n")
    for op, where in edits:
        if not lines:
            break
        i = int(where * len(lines)) % len(lines)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])  # a duplicated line: a duplicate key, often
        elif op == 2:
            lines.insert(i, "   # c")
        elif op == 3:
            lines.insert(i, "")
        elif op == 4:
            lines[i] = lines[i].replace(":", ": x", 1) if ":" in lines[i] else lines[i] + "x"
        elif op == 5:
            lines[i] = " " + lines[i]
        elif op == 6:
            lines[i] = lines[i][1:]
        else:
            lines[i] += " # note"
    return "\n".join(lines)


_edits = st.lists(st.tuples(st.integers(0, 7), st.floats(0, 1, exclude_max=True)), min_size=1, max_size=4)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_CASE_TEXTS), _edits, st.one_of(st.just([]), _edits))
def test_mutated_case_templates_read_paired_as_whole(text, after_edits, before_edits) -> None:
    # whatever the edits break or keep, the paired read is the whole read, or is not taken
    _same_as_whole(_mutate(text, before_edits), _mutate(text, after_edits))


def _json_pair(a_props: str, extra: str = "") -> tuple[str, str]:
    template = """{
  "Parameters": {"Env": {"Type": "String", "Default": "dev"}},
  "Resources": {
    "Keep": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "keep"}},
    "Edit": {"Type": "AWS::S3::Bucket", %s"Properties": %s,
             "DeletionPolicy": "Retain"}
  }
}
"""
    return template % (extra, '{"BucketName": {"Ref": "Env"}}'), template % (extra, a_props)


@pytest.mark.parametrize("props, extra", [
    ('{"BucketName": {"Fn::Sub": "b-${Env}"}, "Tags": [{"Key": "k", "Value": 1.50}]}', ""),  # the standard library's decoder
    ('{"BucketName": "x", "BucketName": "y"}', ""),  # a duplicate key: the positioned reader reports it
    ('{"BucketName": "x"}', '"Metadata": {"iaclint": {"allow": ["IAC201"]}}, '),  # allow entries keep their lines
    ('{"BucketName": ' + "[" * 120 + "]" * 120 + "}", ""),  # nesting near the positioned reader's bound
    ('{"BucketName": 123456789012345678901234567890}', ""),
    ('"not a mapping"', ""),  # a problem: read positioned, which says where
])
def test_json_touched_resources_read_as_the_whole_read_does(props, extra) -> None:
    before, after = _json_pair(props, extra)
    assert _same_as_whole(before, after)


def test_json_touched_resources_are_decoded_without_the_positioned_reader(monkeypatch) -> None:
    from iaclint.languages import json_reader

    before, after = _json_pair('{"BucketName": "fixed"}')
    texts = []
    original = json_reader.load
    monkeypatch.setattr(json_reader, "load", lambda text: texts.append(text) or original(text))
    read = read_pair(before, after, "t.json", "t.json", "t.json")
    assert read is not None and [c.address for c in read.changes] == ["Edit"]
    assert not any('"fixed"' in text for text in texts)  # the touched resource: not read positioned


def test_a_section_written_the_same_in_two_templates_is_placed_where_each_has_it() -> None:
    from iaclint.languages.cloudformation import paired

    params = "Parameters:\n  Env:\n    Type: String\n    Default: dev\n"
    resources = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub 'q1-${Env}'\n  R:\n    Type: AWS::SNS::Topic\n"
    first = "AWSTemplateFormatVersion: '2010-09-09'\n" + params + resources
    second = "Description: another template\nMetadata:\n  Owner: x\n\n" + params + resources
    paired._SECTIONS.clear()
    for text in (first, second):
        assert _same_as_whole(text, text.replace("q1", "q2"))
    assert sum(written.startswith("Parameters:") for _, written in paired._SECTIONS) == 1  # read once
    body = '"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Env"}}}, "R": {"Type": "AWS::SNS::Topic"}}'
    json_params = '"Parameters": {"Env": {"Type": "String", "Default": "dev"}}'
    minified = '{"Description": "x", ' + json_params + ", " + body + "}"
    pretty = '{\n  ' + json_params + ',\n  ' + body + '\n}\n'
    for text in (minified, pretty):  # the same section on the first line at another column, then on its own line
        assert _same_as_whole(text, text.replace('"Type": "AWS::SNS::Topic"', '"Type": "AWS::SNS::Topic", "Properties": {}'))


def test_a_message_reads_how_an_intrinsic_is_written_without_reading_the_resource_again(monkeypatch) -> None:
    from iaclint.languages.cloudformation import template as template_module

    pair = parse_pair(YAML, YAML.replace("BucketName: !Sub 'logs-${Env}'", "BucketName: !Sub 'logs2-${Env}'"),
                      "t.yaml", "t.yaml", "t.yaml")
    assert pair is not None
    loads = []
    original = template_module.load_text
    monkeypatch.setattr("iaclint.languages.cloudformation.paired.load_text", lambda text: loads.append(1) or original(text))
    logs = pair[1].resources["Logs"]
    assert logs.sources.get("BucketName") == '!Sub "logs2-${Env}"'  # short form, as a message writes it
    assert logs.meta["resolved"].get("BucketName") == "logs2-dev"
    queue = pair[1].resources["Queue"]  # untouched: read lean when asked for
    assert queue.sources.get("QueueName") == "!Ref Env"
    assert loads == [1]  # Queue's body; no second read for how either writes its intrinsics
    assert logs.pos_of("BucketName").line == 12 and loads == [1, 1]  # where a key is: read from the span


@pytest.mark.parametrize("value", ['"abc\n  R: def"', "'abc\n  R: def'", "[abc,\n  R: def]"])
@pytest.mark.parametrize("edit", ["S", "P"])
def test_a_value_that_runs_on_into_the_next_resource_reads_the_template_whole(value, edit) -> None:
    """libyaml lets a quoted scalar or a flow collection run on at any indentation: a line the
    split takes for the next resource may be inside a value. Each part read alone shows it."""
    before = ("Resources:\n  P:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: " + value + "\n"
              "  S:\n    Type: AWS::SNS::Topic\n")
    after = (before.replace("AWS::SNS::Topic", "AWS::SNS::Topic\n    Properties: {TopicName: x}") if edit == "S"
             else before.replace("AWS::SQS::Queue", "AWS::SQS::Queue\n    DeletionPolicy: Retain"))
    whole = parse_template(after, "t.yaml", "t.yaml")
    assert list(whole.resources) == ["P", "S"]
    assert parse_pair(before, after, "t.yaml", "t.yaml", "t.yaml") is None


def test_the_line_counter_gives_each_offset_its_line_in_any_order() -> None:
    from iaclint.languages.cloudformation.paired import _LineCounter

    text = "a\nbb\n\nccc\nd"
    line_of = _LineCounter(text)
    for offset in [0, 1, 2, 5, 6, 9, 10, 3, 0, len(text)]:  # increasing, then back, as callers may ask
        assert line_of(offset) == text.count("\n", 0, offset) + 1, offset


def _anchor_by_pattern(text: str) -> bool:
    """The split's first definition: every match of `_ANCHOR_OR_ALIAS`, held to `_NODE_START`."""
    for found in spans._ANCHOR_OR_ALIAS.finditer(text):
        line_start = text.rfind("\n", 0, found.start()) + 1
        if spans._NODE_START.search(text, line_start, found.start()):
            return True
    return False


@settings(max_examples=3000, deadline=None)
@given(text=st.text(alphabet=list("&*<: -[{,?\nab_1é\t#'\""), max_size=14))
def test_the_anchor_scan_finds_what_the_pattern_finds(text):
    """`_anchor_or_alias` (str.find, a character at a time) says what the regular expression
    it replaced says: an anchor, alias or merge key where a node starts makes the split unsure."""
    assert spans._anchor_or_alias(text) == _anchor_by_pattern(text)


@pytest.mark.parametrize("text, found", [
    ("a: &x 1\n", True), ("a: *x\n", True), ("- *x\n", True), ("<<: *x\n", True), ("a: {b: *x}\n", True),
    ("Action: 's3:*'\n", False), ("Resource: arn:aws:s3:::b/*\n", False), ("a: x&y\n", False), ("a: 1 < 2\n", False),
])
def test_the_anchor_scan_on_template_text(text, found):
    assert spans._anchor_or_alias(text) is found is _anchor_by_pattern(text)
