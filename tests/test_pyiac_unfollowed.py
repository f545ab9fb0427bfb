"""Fail closed on what iaclint cannot see inside: a construct or component class of another package
(or an L2 construct the packs do not describe) is a note naming it when it is removed, renamed or
changed, and it never hides (nor stands in for) a resource that leaves either side."""

from __future__ import annotations

from pathlib import Path

from helpers import lint_trees

APP = '''import aws_cdk as cdk
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3
from acme_constructs import SecureBucket
from constructs import Construct


class DataStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
{body}


app = cdk.App()
DataStack(app, "Data")
'''

PROGRAM = '''import pulumi_aws as aws
from acme_platform import Service
{body}
'''


def _lint(tmp_path: Path, name: str, before: str, after: str) -> list:
    for side, text in (("before", before), ("after", after)):
        (tmp_path / side).mkdir(parents=True, exist_ok=True)
        (tmp_path / side / name).write_text(text)
    return [(f.rule, f.severity.value, f.message) for f in lint_trees(tmp_path / "before", tmp_path / "after")]


def _app(*lines: str) -> str:
    return APP.format(body="\n".join("        " + line for line in lines) or "        pass")


def test_a_removed_construct_of_another_package_is_a_note_naming_it(tmp_path):
    found = _lint(tmp_path, "app.py", _app('SecureBucket(self, "Archive")'), _app())
    assert [(r, s) for r, s, _ in found] == [("IAC001", "note")]
    assert "`SecureBucket` (acme_constructs.SecureBucket) at Archive in stack Data is removed" in found[0][2]


def test_an_l2_construct_the_packs_do_not_describe_is_a_note_when_removed(tmp_path):
    found = _lint(tmp_path, "app.py", _app('ec2.Vpc(self, "Network", max_azs=2)'), _app())
    assert len(found) == 1 and "`Vpc` (aws_cdk.aws_ec2.Vpc) at Network" in found[0][2]


def test_an_l2_constructs_arguments_are_not_judged(tmp_path):
    # edited all the time (a Vpc's max_azs, a Role's policies): what they change inside is not known, and a
    # note on every edit would be noise; its removal is said
    assert _lint(tmp_path, "app.py", _app('ec2.Vpc(self, "Network", max_azs=2)'), _app('ec2.Vpc(self, "Network", max_azs=3)')) == []


def test_nothing_is_said_when_it_is_added_or_unchanged(tmp_path):
    assert _lint(tmp_path, "app.py", _app(), _app('SecureBucket(self, "Archive")')) == []
    assert _lint(tmp_path / "2", "app.py", _app('SecureBucket(self, "Archive")', 's3.Bucket(self, "Logs")'),
                 _app('SecureBucket(self, "Archive")', 's3.Bucket(self, "Logs", versioned=True)')) == []


def test_a_known_resource_that_leaves_is_still_reported_when_an_unfollowed_construct_appears(tmp_path):
    # before: the bucket is the program's own; after: it moved into a construct iaclint cannot see
    # inside. The bucket under its old logical ID is destroyed: the new construct must not hide it.
    before = _app('s3.Bucket(self, "Archive", removal_policy=RemovalPolicy.DESTROY)')
    after = _app('SecureBucket(self, "Archive")')
    found = _lint(tmp_path, "app.py", before, after)
    assert [(r, s) for r, s, _ in found] == [("IAC301", "error")]


def test_a_construct_that_leaves_is_said_even_when_a_known_resource_takes_its_place(tmp_path):
    # the other direction: what was inside the construct is not known, so its removal is a note,
    # whatever appears in its place
    before = _app('SecureBucket(self, "Archive")')
    after = _app('s3.Bucket(self, "Archive", removal_policy=RemovalPolicy.DESTROY)')
    found = _lint(tmp_path, "app.py", before, after)
    assert [(r, s) for r, s, _ in found] == [("IAC001", "note")] and "is removed" in found[0][2]


def test_an_unknown_construct_id_withholds_deletions_with_a_note(tmp_path):
    before = _app('s3.Bucket(self, "Logs", removal_policy=RemovalPolicy.DESTROY)')
    after = _app('SecureBucket(self, compute_id())')
    found = _lint(tmp_path, "app.py", before, after)
    assert {r for r, _, _ in found} == {"IAC001"} and all(s == "note" for _, s, _ in found)
    assert any("Logs" in m and "not reported deleted" in m for _, _, m in found)


def test_pulumi_components_of_other_packages_both_directions(tmp_path):
    base = PROGRAM.format(body='Service("orders", image="orders:1.4")\naws.sqs.Queue("jobs")')
    gone = PROGRAM.format(body='aws.sqs.Queue("jobs")')
    changed = PROGRAM.format(body='Service("orders", image="orders:1.5")\naws.sqs.Queue("jobs")')
    assert [r for r, _, _ in _lint(tmp_path / "a", "__main__.py", base, gone)] == ["IAC001"]
    assert [r for r, _, _ in _lint(tmp_path / "b", "__main__.py", gone, base)] == []
    assert "given other arguments" in _lint(tmp_path / "c", "__main__.py", base, changed)[0][2]
    # a queue moved into the component is still a queue deleted under its old URN
    into = PROGRAM.format(body='Service("orders", image="orders:1.4", with_queue=True)')
    found = _lint(tmp_path / "d", "__main__.py", base, into)
    assert sorted((r, s) for r, s, _ in found) == [("IAC001", "note"), ("IAC301", "error")]
    assert any(r == "IAC301" and "aws.sqs.Queue.jobs" in m for r, _, m in found)
