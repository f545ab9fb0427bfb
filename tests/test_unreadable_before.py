"""A BEFORE side that cannot be read well never hides a removed stateful resource.

In every language alike: a file whose previous version holds a byte that is not UTF-8 is read
with the byte replaced (the removal is reported) and warned about (IAC002); a previous version
that does not parse at all is warned about, and the rest of the change is still judged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import lint_trees

LATIN1 = "# owner: Jos\xe9\n".encode("latin-1")  # one stray byte in a comment

TF_DB = b'resource "aws_db_instance" "orders" {\n  engine = "postgres"\n  instance_class = "db.t3.micro"\n}\n'
TF_QUEUE = b'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n'

CFN_DB = b"""AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
  Jobs:
    Type: AWS::SQS::Queue
"""
CFN_QUEUE = b"""AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Jobs:
    Type: AWS::SQS::Queue
"""
CFN_JSON_DB = b'{"AWSTemplateFormatVersion": "2010-09-09", "Description": "Jos\xe9", "Resources": {"Orders": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "postgres"}}, "Jobs": {"Type": "AWS::SQS::Queue"}}}\n'
CFN_JSON_QUEUE = b'{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Jobs": {"Type": "AWS::SQS::Queue"}}}\n'

CDK_HEAD = b"""import aws_cdk as cdk
from aws_cdk import Stack
from aws_cdk import aws_rds as rds
from aws_cdk import aws_sqs as sqs


class Data(Stack):
    def __init__(self, scope, id, **kwargs):
        super().__init__(scope, id, **kwargs)
        sqs.Queue(self, "Jobs")
"""
CDK_DB = b"""        rds.DatabaseInstance(self, "Orders", engine=rds.DatabaseInstanceEngine.POSTGRES)
"""
CDK_TAIL = b"""

app = cdk.App()
Data(app, "Data")
app.synth()
"""
PULUMI_DB = b'import pulumi_aws as aws\n\naws.rds.Instance("orders", engine="postgres", instance_class="db.t3.micro")\n'
PULUMI_QUEUE = b'import pulumi_aws as aws\n\naws.sqs.Queue("jobs")\n'


def _write(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _lint(tmp_path: Path, before: dict[str, bytes], after: dict[str, bytes]):
    b = _write(tmp_path / "before", before)
    a = _write(tmp_path / "after", after)
    return [(f.rule, f.path, f.resource, f.severity.value) for f in lint_trees(b, a)]


CASES = {
    # language: (BEFORE with a stray byte, AFTER without the database, the database's address, its file)
    "terraform": ({"main.tf": LATIN1 + TF_DB + TF_QUEUE}, {"main.tf": TF_QUEUE}, "aws_db_instance.orders", "main.tf"),
    "cloudformation-yaml": ({"stack.yaml": CFN_DB.replace(b"Resources:", LATIN1 + b"Resources:")},
                            {"stack.yaml": CFN_QUEUE}, "Orders", "stack.yaml"),
    "cloudformation-json": ({"stack.json": CFN_JSON_DB.replace(b"Jos\xc3\xa9", b"Jos\xe9")},
                            {"stack.json": CFN_JSON_QUEUE}, "Orders", "stack.json"),
    "cdk": ({"app.py": LATIN1 + CDK_HEAD + CDK_DB + CDK_TAIL}, {"app.py": CDK_HEAD + CDK_TAIL}, "Orders", "app.py"),
    "pulumi": ({"__main__.py": LATIN1 + PULUMI_DB}, {"__main__.py": PULUMI_QUEUE}, None, "__main__.py"),
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_a_stray_byte_before_still_reports_the_removed_database(tmp_path, language):
    before, after, address, path = CASES[language]
    got = _lint(tmp_path, before, after)
    assert ("IAC002", path, "", "warning") in got, got
    removed = [g for g in got if g[0] == "IAC301" and g[1] == path]
    assert removed, got
    if address is not None:
        assert removed[0][2].startswith(address)  # CDK adds a hash of the construct path


@pytest.mark.parametrize("language", sorted(CASES))
def test_a_stray_byte_after_is_an_error_and_the_change_is_still_judged(tmp_path, language):
    before, after, address, path = CASES[language]
    clean_before = {k: v.replace(LATIN1, b"").replace(b"Jos\xe9", b"Jose") for k, v in before.items()}
    dirty_after = {k: LATIN1 + v if not v.startswith(b"{") else v.replace(b'"Resources"', b'"Description": "Jos\xe9", "Resources"')
                   for k, v in after.items()}
    got = _lint(tmp_path, clean_before, dirty_after)
    assert ("IAC001", path, "", "error") in got, got
    assert [g for g in got if g[0] == "IAC301" and g[1] == path], got


BROKEN = {
    # language: (a file whose previous version does not parse, its fixed version)
    "terraform": ("broken.tf", b'resource "aws_sqs_queue" "x" {\n  name = \n', b'resource "aws_sqs_queue" "x" {\n  name = "x"\n}\n'),
    "cloudformation": ("broken.yaml", b'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  X: [unclosed\n',
                       b'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  X:\n    Type: AWS::SQS::Queue\n'),
    "python": ("broken.py", b"import pulumi_aws as aws\n\naws.sqs.Queue(\n", b'import pulumi_aws as aws\n\naws.sqs.Queue("x")\n'),
}
REMOVAL = {
    "terraform": ({"db.tf": TF_DB}, {}, "db.tf"),
    "cloudformation": ({"db.yaml": CFN_DB}, {"db.yaml": CFN_QUEUE}, "db.yaml"),
    "python": ({"db.py": PULUMI_DB}, {"db.py": PULUMI_QUEUE}, "db.py"),
}


@pytest.mark.parametrize("language", sorted(BROKEN))
def test_a_previous_version_that_does_not_parse_is_a_warning_and_the_rest_is_judged(tmp_path, language):
    name, broken, fixed = BROKEN[language]
    db_before, db_after, db_path = REMOVAL[language]
    got = _lint(tmp_path, {name: broken, **db_before}, {name: fixed, **db_after})
    assert [g for g in got if g[:2] == ("IAC002", name) and g[3] == "warning"], got
    assert [g for g in got if g[0] == "IAC301" and g[1] == db_path], got
