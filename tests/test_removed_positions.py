"""A removed resource is reported where the reviewer sees it removed, never on another block.

Its old line belongs, in the new file, to whatever now sits there. The finding points at the
line of the new file where the removed lines were, keeps the old position (`before_path`,
`before_line`) and says "removed here"; a deleted file is named without a line.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli, write
from helpers import tree_of

from iaclint.core.model import Category
from iaclint.inputs.build import Inputs
from iaclint.inputs.changes import changed_files, content_renames
from iaclint.pipeline import RunOptions, lint

CASES = Path(__file__).parent / "cases"


def _lint_case(case: Path):
    before, after = tree_of(case / "before"), tree_of(case / "after")
    changed = changed_files(before, after)
    inputs = Inputs(before, after, changed, content_renames(before, after, changed), case / "after")
    return lint(RunOptions(no_config=True, cache=False), inputs=inputs)


def _blocks(result, path: str) -> list[tuple[str, int, int]]:
    return [(r.address, r.pos.line, r.pos.end_line or r.pos.line)
            for d in result.analysis.diffs for r in d.after_resources.values() if (r.pos.path or r.path) == path]


def _deletion_cases() -> list[Path]:
    return sorted(p.parent for p in CASES.glob("*/*/expected.json"))


def _shared_call(result, f, block) -> bool:
    """Before the change, the removed resource was created by the same Python call (file, line, column) as
    the block's resource, and the finding points at that call: its own block, shared."""
    for d in result.analysis.diffs:
        gone, other, there = (d.before_resources.get(f.resource), d.before_resources.get(block[0]),
                              d.after_resources.get(block[0]))
        if gone is not None and other is not None and there is not None and gone.language in ("cdk", "pulumi") \
                and (gone.path, gone.pos.line, gone.pos.column) == (other.path, other.pos.line, other.pos.column) \
                and there.pos.line == f.line:
            return True
    return False


def test_no_deletion_finding_in_the_cases_points_inside_another_block():
    checked = 0
    for case in _deletion_cases():
        result = _lint_case(case)
        for f in result.findings:
            if f.category is not Category.DELETION and f.before_path is None:
                continue
            checked += 1
            if f.line == 0:
                continue
            inside = [b for b in _blocks(result, f.path) if b[1] <= f.line <= b[2] and b[0] != f.resource
                      # a call that creates several resources (in a loop, or a helper called twice) is the
                      # removed one's own block too: an item dropped from the loop is reported at that call
                      and not _shared_call(result, f, b)]
            assert not inside, f"{case.relative_to(CASES)}: {f.rule} {f.resource} at {f.path}:{f.line} is inside {inside}"
    assert checked >= 30  # the case folders hold that many removals: the test must not pass by seeing none


def test_every_deletion_of_a_resource_in_the_cases_keeps_its_old_position():
    for case in _deletion_cases():
        for f in _lint_case(case).findings:
            if f.rule in ("IAC301", "IAC302"):
                assert f.before_path and f.before_line, (case, f)
                assert ("removed here" in f.message) or f.line == 0 or "was at" not in f.message, f.message


# The issue's example: the table at line 23 of the old main.tf; line 23 of the new one is aws_instance.web.
OLD_MAIN = """\
resource "aws_s3_bucket" "logs" {
  bucket = "shop-logs"
}

resource "aws_sqs_queue" "jobs" {
  name = "shop-jobs"
}

resource "aws_security_group" "web" {
  name = "web"
}

resource "aws_iam_role" "web" {
  name               = "web"
  assume_role_policy = "{}"
}

resource "aws_cloudwatch_log_group" "web" {
  name              = "/shop/web"
  retention_in_days = 30
}

resource "aws_dynamodb_table" "carts" {
  name         = "carts"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
}
"""
NEW_MAIN = OLD_MAIN.replace(OLD_MAIN[OLD_MAIN.index('resource "aws_dynamodb_table"'):OLD_MAIN.index('resource "aws_instance" "web"')], "")
RED_LINES_AT = NEW_MAIN.splitlines().index('resource "aws_instance" "web" {')  # 0-based: the blank line above

CFN_OLD = """\
Resources:
  Queue:
    Type: AWS::SQS::Queue

  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders

  Topic:
    Type: AWS::SNS::Topic
"""
CFN_NEW = CFN_OLD.replace("""  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders

""", "")

PULUMI_OLD = """\
import pulumi_aws as aws

logs = aws.s3.Bucket("logs")

orders = aws.dynamodb.Table("orders", hash_key="id", attributes=[{"name": "id", "type": "S"}])

topic = aws.sns.Topic("events")
"""
PULUMI_NEW = PULUMI_OLD.replace('orders = aws.dynamodb.Table("orders", hash_key="id", attributes=[{"name": "id", "type": "S"}])\n\n', "")

CHANGES = {
    "terraform": ({"main.tf": OLD_MAIN}, {"main.tf": NEW_MAIN}, "aws_dynamodb_table.carts", "main.tf", 23),
    "cloudformation": ({"template.yaml": CFN_OLD}, {"template.yaml": CFN_NEW}, "Orders", "template.yaml", 5),
    "pulumi": ({"Pulumi.yaml": "name: shop\nruntime: python\n", "__main__.py": PULUMI_OLD},
               {"__main__.py": PULUMI_NEW}, "aws.dynamodb.Table.orders", "__main__.py", 5),
}


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _repo(tmp_path: Path, before: dict) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    write(repo, before)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "before")
    return repo


def _run_mode(mode: str, tmp_path: Path, before: dict, after: dict) -> list[dict]:
    if mode == "two-tree":
        write(tmp_path / "before", before)
        write(tmp_path / "after", {**before, **after})
        result = run_cli(["diff", "before", "after", "--format", "json", "--no-cache"], cwd=tmp_path)
    else:
        repo = _repo(tmp_path, before)
        write(repo, after)
        if mode == "git":
            result = run_cli(["diff", "--base", "HEAD", "--format", "json", "--no-cache"], cwd=repo)
        else:
            patch = _git(repo, "diff", "--no-color")
            _git(repo, "checkout", "-q", "--", ".")
            (tmp_path / "change.patch").write_text(patch)
            result = run_cli(["diff", "--patch", str(tmp_path / "change.patch"), ".", "--format", "json", "--no-cache"],
                             cwd=repo)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["findings"]


@pytest.mark.parametrize("mode", ["two-tree", "git", "patch"])
@pytest.mark.parametrize("language", sorted(CHANGES))
def test_a_removed_resource_points_where_it_was_removed(tmp_path, mode, language):
    before, after, address, path, old_line = CHANGES[language]
    found = [f for f in _run_mode(mode, tmp_path, before, after) if f["resource"] == address]
    assert found, f"no finding for {address}"
    new_text = after[path].splitlines()
    for f in found:
        assert (f["before_path"], f["before_line"]) == (path, old_line)
        assert f["path"] == path
        assert "removed here" in f["message"]
        # the blank line the removed block leaves between its neighbours, never one of theirs
        assert new_text[f["line"] - 1].strip() == "", (f["line"], new_text)


def test_the_issue_example_lands_between_the_neighbours_not_on_aws_instance(tmp_path):
    found = _run_mode("two-tree", tmp_path, {"main.tf": OLD_MAIN}, {"main.tf": NEW_MAIN})
    (f,) = [f for f in found if f["resource"] == "aws_dynamodb_table.carts"]
    assert NEW_MAIN.splitlines()[22].startswith('resource "aws_instance"')
    assert f["line"] == RED_LINES_AT  # 1-based: the blank line the removed block left, above the next block
    assert (f["before_path"], f["before_line"]) == ("main.tf", 23)


@pytest.mark.parametrize("mode", ["two-tree", "git", "patch"])
def test_a_deleted_file_is_named_without_a_line(tmp_path, mode):
    before = {"main.tf": 'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n', "db.tf": OLD_MAIN}
    after = {"db.tf": None}
    found = [f for f in _run_mode(mode, tmp_path, before, after) if f["resource"] == "aws_dynamodb_table.carts"]
    (f,) = found
    assert (f["path"], f["line"], f["before_path"], f["before_line"]) == ("db.tf", 0, "db.tf", 23)
    assert "db.tf is deleted" in f["message"]


def test_a_deleted_file_is_a_file_level_annotation_in_github_and_sarif(tmp_path):
    write(tmp_path / "before", {"db.tf": OLD_MAIN, "main.tf": 'resource "aws_sqs_queue" "jobs" {}\n'})
    write(tmp_path / "after", {"main.tf": 'resource "aws_sqs_queue" "jobs" {}\n'})
    github = run_cli(["diff", "before", "after", "--format", "github", "--no-cache"], cwd=tmp_path).stdout
    line = next(ln for ln in github.splitlines() if "aws_dynamodb_table.carts (" in ln)
    assert line.startswith("::error file=db.tf,") or line.startswith("::error file=db.tf::")
    assert "line=" not in line.split("::")[1]
    sarif = json.loads(run_cli(["diff", "before", "after", "--format", "sarif", "--no-cache"], cwd=tmp_path).stdout)
    (result,) = [r for r in sarif["runs"][0]["results"] if "aws_dynamodb_table.carts (" in r["message"]["text"]]
    assert "region" not in result["locations"][0]["physicalLocation"]
    text = run_cli(["diff", "before", "after", "--no-cache", "--no-color"], cwd=tmp_path).stdout
    assert any(ln.startswith("db.tf: IAC301") for ln in text.splitlines()), text


PLAN_DELETES_LOGS = {
    "format_version": "1.2",
    "terraform_version": "1.9.5",
    "planned_values": {"root_module": {"resources": []}},
    "resource_changes": [
        {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
         "provider_name": "registry.terraform.io/hashicorp/aws",
         "change": {"actions": ["delete"], "before": {"bucket": "acme-logs"}, "after": None,
                    "after_unknown": {}, "before_sensitive": {}, "after_sensitive": False},
         "action_reason": "delete_because_no_resource_config"},
    ],
}


def test_a_plan_finding_about_a_removed_resource_points_where_it_was_removed(tmp_path):
    queue = 'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n'
    before = {"main.tf": queue + '\nresource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n\n'
                         'resource "aws_instance" "app" {\n  ami = "ami-1"\n}\n'}
    after = {"main.tf": queue + '\nresource "aws_instance" "app" {\n  ami = "ami-1"\n}\n'}
    write(tmp_path / "before", before)
    write(tmp_path / "after", after)
    (tmp_path / "plan.json").write_text(json.dumps(PLAN_DELETES_LOGS))
    result = run_cli(["diff", "before", "after", "--plan", "plan.json", "--format", "json", "--no-cache"], cwd=tmp_path)
    found = [f for f in json.loads(result.stdout)["findings"] if f["resource"] == "aws_s3_bucket.logs"]
    assert found
    for f in found:
        assert (f["before_path"], f["before_line"]) == ("main.tf", 5), f
        assert f["line"] == 4 and "removed here" in f["message"], f  # the blank line between queue and instance


def test_a_plan_only_finding_located_at_a_removed_block_is_moved_like_a_static_one(tmp_path):
    from iaclint.core.model import Finding, Severity
    from iaclint.engine.removed_positions import relocate_removed
    from iaclint.inputs.trees import DirTree
    from iaclint.plan.combine import SourceIndex, locate

    queue = 'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n'
    write(tmp_path / "before", {"main.tf": queue + '\nresource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n\n'
                                             'resource "aws_instance" "app" {\n  ami = "ami-1"\n}\n'})
    write(tmp_path / "after", {"main.tf": queue + '\nresource "aws_instance" "app" {\n  ami = "ami-1"\n}\n'})
    result = _lint_case(tmp_path)
    f = Finding("IAC301", "stateful-resource-deleted", Category.DELETION, Severity.ERROR, "plan.json", 1,
                "the plan destroys aws_s3_bucket.logs", resource="aws_s3_bucket.logs", source="plan")
    locate([f], None, SourceIndex.from_diffs(result.analysis.diffs))
    assert (f.path, f.line, f.before_path, f.before_line) == ("main.tf", 5, "main.tf", 5)
    relocate_removed([f], DirTree(tmp_path / "before"), DirTree(tmp_path / "after"), {}, result.analysis.diffs)
    assert (f.path, f.line) == ("main.tf", 4) and "removed here" in f.message
