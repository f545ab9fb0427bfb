"""`iaclint fix` on Python IaC: Pulumi aliases and CDK `override_logical_id`, written with libcst.

Round trips: after `fix --write`, `diff` on the same change reports no IAC103 for the fixed
findings; the rest of the file (comments, formatting) is unchanged byte for byte.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from conftest import run_cli

PULUMI_PLAIN = '''\
"""Assets."""
import pulumi
import pulumi_aws as aws

# the public assets bucket   (odd   spacing kept)
{name} = aws.s3.Bucket("{name}", bucket="acme-assets",   force_destroy=False)  # trailing comment

logs = aws.s3.Bucket(
    "logs",  # keep me
    bucket="acme-logs",
)
pulumi.export("bucket", {name}.id)
'''

PULUMI_FROM = '''\
import pulumi_aws as aws
from pulumi import ResourceOptions, export

db = aws.rds.Instance(
    "{name}",
    engine="postgres",
    instance_class="db.t3.medium",
    opts=ResourceOptions(
        protect=True,  # never turn off
    ),
)
export("db", db.id)
'''

CDK = '''\
import aws_cdk as cdk
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class Storage(Construct):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        # the bucket
        self.assets = s3.Bucket(
            self,
            "{bucket}",
            removal_policy=RemovalPolicy.RETAIN,  # keep data
        )
        sqs.CfnQueue(self, "{queue}", visibility_timeout=60)   # an L1, not assigned


class AppStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        Storage(self, "Storage")
        jobs = sqs.CfnQueue(self, "{jobs}")
        s3.Bucket(self, "{logs}", versioned=True)


app = cdk.App()
AppStack(app, "App")
app.synth()
'''


def _change(tmp_path: Path, name: str, before: str, after: str) -> tuple[Path, Path]:
    b, a = tmp_path / "before", tmp_path / "after"
    b.mkdir()
    a.mkdir()
    (b / name).write_bytes(before.encode())
    (a / name).write_bytes(after.encode())
    return b, a


def _renames(b: Path, a: Path) -> list[tuple[str, str]]:
    result = run_cli(["diff", b, a, "--format", "json", "--select", "IAC103"])
    return [tuple(f["resources"]) for f in json.loads(result.stdout)["findings"] if f["rule"] == "IAC103"]


def _fix(b: Path, a: Path, name: str) -> tuple[str, str]:
    """Print, check that printing wrote nothing, then --write; → (printed diff, text before the fix)."""
    original = (a / name).read_bytes()
    printed = run_cli(["fix", b, a])
    assert printed.exit_code == 0, printed.output
    assert (a / name).read_bytes() == original  # printing writes nothing
    written = run_cli(["fix", b, a, "--write"])
    assert written.exit_code == 0, written.output
    return printed.stdout, original.decode()


def _added_only(old: str, new: str) -> list[str]:
    """The lines `new` adds to `old`; asserts no line of `old` was changed or removed."""
    ops = list(difflib.ndiff(old.splitlines(keepends=True), new.splitlines(keepends=True)))
    assert not [ln for ln in ops if ln.startswith("- ")], "".join(ops)
    return [ln[2:] for ln in ops if ln.startswith("+ ")]


def test_pulumi_rename_gets_an_alias(tmp_path):
    b, a = _change(tmp_path, "__main__.py", PULUMI_PLAIN.format(name="static"), PULUMI_PLAIN.format(name="assets"))
    assert _renames(b, a) == [("aws.s3.Bucket.static", "aws.s3.Bucket.assets")]
    printed, old = _fix(b, a, "__main__.py")
    assert "+++ b/__main__.py" in printed and '+assets = aws.s3.Bucket("assets", bucket="acme-assets",   ' \
        'force_destroy=False, opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="static")]))  # trailing comment' in printed
    new = (a / "__main__.py").read_text()
    # only the constructor line changed; every other byte (comments, spacing) is kept
    assert [ln for ln in difflib.ndiff(old.splitlines(), new.splitlines()) if ln[:1] in "+-"] == [
        '- assets = aws.s3.Bucket("assets", bucket="acme-assets",   force_destroy=False)  # trailing comment',
        '+ assets = aws.s3.Bucket("assets", bucket="acme-assets",   force_destroy=False, '
        'opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="static")]))  # trailing comment',
    ]
    assert _renames(b, a) == []


def test_pulumi_rename_with_from_import_and_existing_opts(tmp_path):
    b, a = _change(tmp_path, "__main__.py", PULUMI_FROM.format(name="orders-db"), PULUMI_FROM.format(name="main-db"))
    assert _renames(b, a) == [("aws.rds.Instance.orders-db", "aws.rds.Instance.main-db")]
    _fix(b, a, "__main__.py")
    new = (a / "__main__.py").read_text()
    assert new == PULUMI_FROM.format(name="main-db").replace(
        "from pulumi import ResourceOptions, export", "from pulumi import ResourceOptions, export, Alias"
    ).replace(
        "        protect=True,  # never turn off\n",
        '        protect=True,  # never turn off\n        aliases=[Alias(name="orders-db")],\n',
    )
    assert _renames(b, a) == []


def test_pulumi_existing_aliases_list_is_extended(tmp_path):
    src = ('import pulumi\nimport pulumi_aws as aws\n\n'
           'q = aws.sqs.Queue("{n}", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="older")]))\n')
    b, a = _change(tmp_path, "__main__.py", src.format(n="jobs"), src.format(n="work"))
    assert _renames(b, a) == [("aws.sqs.Queue.jobs", "aws.sqs.Queue.work")]
    _fix(b, a, "__main__.py")
    assert 'aliases=[pulumi.Alias(name="older"), pulumi.Alias(name="jobs")]' in (a / "__main__.py").read_text()
    assert _renames(b, a) == []


def test_cdk_l2_and_l1_renames_get_override_logical_id(tmp_path):
    before = CDK.format(bucket="AssetsBucket", queue="Jobs", jobs="Work", logs="Logs")
    after = CDK.format(bucket="Assets", queue="JobQueue", jobs="WorkQueue", logs="AccessLogs")
    b, a = _change(tmp_path, "app.py", before, after)
    renames = dict(_renames(b, a))
    assert len(renames) == 4, renames
    printed, old = _fix(b, a, "app.py")
    assert "override_logical_id" in printed
    new = (a / "app.py").read_text()
    assert "self.assets.node.default_child.override_logical_id(\"StorageAssetsBucket" in new  # L2, assigned
    assert 'jobs.override_logical_id("Work")' in new  # top-level L1 keeps its id
    assert _renames(b, a) == []
    # unassigned constructs are assigned to a fresh name; nothing else in the file changed
    assert 'job_queue = sqs.CfnQueue(self, "JobQueue", visibility_timeout=60)   # an L1, not assigned\n' in new
    assert 'access_logs = s3.Bucket(self, "AccessLogs", versioned=True)\n' in new
    stripped = (new.replace("job_queue = sqs.CfnQueue", "sqs.CfnQueue").replace("access_logs = s3.Bucket", "s3.Bucket"))
    added = _added_only(old, stripped)
    assert len(added) == 4 and all("override_logical_id(" in ln for ln in added), added


def test_assigned_cdk_construct_only_adds_a_line(tmp_path):
    before = CDK.format(bucket="AssetsBucket", queue="Jobs", jobs="Work", logs="Logs")
    after = CDK.format(bucket="Assets", queue="Jobs", jobs="Work", logs="Logs")
    b, a = _change(tmp_path, "app.py", before, after)
    _, old = _fix(b, a, "app.py")
    (pin,) = _added_only(old, (a / "app.py").read_text())
    assert pin.startswith('        self.assets.node.default_child.override_logical_id("StorageAssetsBucket')
    assert _renames(b, a) == []


def test_name_from_a_helper_parameter_is_left_to_a_human(tmp_path):
    src = ('import pulumi\nimport pulumi_aws as aws\n\n\ndef bucket(name):\n    return aws.s3.Bucket(name)\n\n\n'
           'bucket("{n}")\n')
    b, a = _change(tmp_path, "__main__.py", src.format(n="old"), src.format(n="new"))
    assert _renames(b, a) == [("aws.s3.Bucket.old", "aws.s3.Bucket.new")]
    result = run_cli(["fix", b, a, "--write"])
    assert result.exit_code == 0, result.output
    assert "needs a human" in result.stdout and "not a string literal" in result.stdout
    assert (a / "__main__.py").read_text() == src.format(n="new")


def test_protection_removed_in_python_is_never_re_added(tmp_path):
    src = 'import pulumi\nimport pulumi_aws as aws\n\naws.s3.Bucket("a", opts=pulumi.ResourceOptions(protect={p}))\n'
    b, a = _change(tmp_path, "__main__.py", src.format(p="True"), src.format(p="False"))
    result = run_cli(["fix", b, a, "--write"])
    assert result.exit_code == 0, result.output
    assert "needs a human" in result.stdout
    assert (a / "__main__.py").read_text() == src.format(p="False")
