"""`iaclint fix`: print, and with --write apply, the edits that avoid a destroy.

Round trips: `fix --write` on a change, then `diff` on the same change reports no replacement.
"""

from __future__ import annotations

import json

from conftest import run_cli, write

BUCKET = """
resource "aws_s3_bucket" "{name}" {{
  bucket = "acme-assets"
}}
"""
QUEUES_COUNT = """
resource "aws_sqs_queue" "q" {
  count = 2
  name  = "queue-${count.index}"
}
"""
QUEUES_FOR_EACH = """
resource "aws_sqs_queue" "q" {
  for_each = toset(["a", "b"])
  name     = "queue-${each.key}"
}
"""
DB = """
resource "aws_db_instance" "main" {
  engine              = "postgres"
  deletion_protection = true
}
"""
CFN = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  {name}:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
"""


def _change(tmp_path, before: dict, after: dict):
    b, a = tmp_path / "before", tmp_path / "after"
    write(b, before)
    write(a, after)
    return b, a


def _replacements(b, a) -> list[str]:
    result = run_cli(["diff", b, a, "--format", "json", "--select", "replacement"])
    return [f["rule"] for f in json.loads(result.stdout)["findings"]]


def test_rename_round_trip(tmp_path):
    b, a = _change(tmp_path, {"s3.tf": BUCKET.format(name="static")}, {"s3.tf": BUCKET.format(name="assets")})
    assert "IAC103" in _replacements(b, a)
    printed = run_cli(["fix", b, a])
    assert printed.exit_code == 0, printed.output
    assert "from = aws_s3_bucket.static" in printed.stdout
    assert not (a / "moved.tf").exists()  # printing writes nothing
    written = run_cli(["fix", b, a, "--write"])
    assert written.exit_code == 0, written.output
    assert "to   = aws_s3_bucket.assets" in (a / "moved.tf").read_text()
    assert _replacements(b, a) == []


def test_count_to_for_each_round_trip(tmp_path):
    # the keys are the old indexes as strings: each moved queue keeps its name
    same_names = QUEUES_FOR_EACH.replace('["a", "b"]', '["0", "1"]')
    b, a = _change(tmp_path, {"q.tf": QUEUES_COUNT}, {"q.tf": same_names, "moved.tf": "# moves\n"})
    assert "IAC105" in _replacements(b, a)
    written = run_cli(["fix", b, a, "--write"])
    assert written.exit_code == 0, written.output
    assert "iaclint finds nothing destroyed" in written.stdout
    moved = (a / "moved.tf").read_text()
    assert moved.startswith("# moves\n")  # appended, not overwritten
    assert 'from = aws_sqs_queue.q[0]' in moved and 'to   = aws_sqs_queue.q["0"]' in moved
    assert _replacements(b, a) == []


def test_write_says_what_the_moves_did_not_cure(tmp_path):
    # the issue's example: the moves keep the queues' identities, but `name` forces new queues
    b, a = _change(tmp_path, {"q.tf": QUEUES_COUNT}, {"q.tf": QUEUES_FOR_EACH})
    printed = run_cli(["fix", b, a])
    assert printed.exit_code == 0 and not (a / "moved.tf").exists()
    assert "# with these edits written, 1 finding(s) remain:" in printed.stdout  # said before anything is written
    assert "= \"queue-0\" → " in printed.stdout and "= \"queue-a\")" in printed.stdout  # values as written, then evaluated
    written = run_cli(["fix", b, a, "--write"])
    assert 'to   = aws_sqs_queue.q["a"]' in (a / "moved.tf").read_text()
    assert written.exit_code == 1, written.output
    assert "remain" in written.stdout and "IAC101" in written.stdout
    assert "= \"queue-0\" → " in written.stdout and "= \"queue-a\")" in written.stdout
    assert "nothing destroyed" not in written.stdout
    assert _replacements(b, a) == ["IAC101"]


def test_a_moved_instance_whose_force_new_argument_changes_is_still_replaced(tmp_path):
    moves = "".join(f'moved {{\n  from = aws_sqs_queue.q[{i}]\n  to   = aws_sqs_queue.q["{k}"]\n}}\n'
                    for i, k in enumerate("ab"))
    b, a = _change(tmp_path, {"q.tf": QUEUES_COUNT}, {"q.tf": QUEUES_FOR_EACH, "moved.tf": moves})
    result = run_cli(["diff", b, a, "--format", "json"])
    (f,) = json.loads(result.stdout)["findings"]
    assert f["rule"] == "IAC101" and f["severity"] == "error"
    assert 'aws_sqs_queue.q["a"]' in f["message"] and 'aws_sqs_queue.q["b"]' in f["message"]
    assert "moved from aws_sqs_queue.q[0]" in f["message"]


def test_protection_is_never_re_added(tmp_path):
    b, a = _change(tmp_path, {"db.tf": DB}, {"db.tf": DB.replace("true", "false")})
    result = run_cli(["fix", b, a, "--write"])
    assert result.exit_code == 0
    assert "needs a human" in result.stdout and "IAC201" in result.stdout
    assert not (a / "moved.tf").exists()
    assert "deletion_protection = false" in (a / "db.tf").read_text()


def test_cloudformation_rename_gives_a_refactor_mapping(tmp_path):
    b, a = _change(tmp_path, {"stack.yaml": CFN.format(name="OldQueue")}, {"stack.yaml": CFN.format(name="NewQueue")})
    result = run_cli(["fix", b, a, "--write", "--stack-name", "orders"])
    assert result.exit_code == 0, result.output
    mapping = json.loads((a / "iaclint-refactor.json").read_text())
    assert mapping == [{"Source": {"StackName": "orders", "LogicalResourceId": "OldQueue"},
                        "Destination": {"StackName": "orders", "LogicalResourceId": "NewQueue"}}]


def test_write_refuses_patch_and_staged(tmp_path):
    result = run_cli(["fix", "--staged", "--write"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "--write" in result.stderr


EXAMPLE = __import__("pathlib").Path(__file__).resolve().parent.parent / "examples" / "terraform"


def test_the_bundled_example_moves_the_versioning_with_its_bucket_and_says_it_is_suspended(tmp_path):
    import shutil

    shutil.copytree(EXAMPLE, tmp_path / "example")
    b, a = tmp_path / "example" / "before", tmp_path / "example" / "after"
    printed = run_cli(["fix", b, a])
    assert "from = aws_s3_bucket_versioning.invoices\n  to   = aws_s3_bucket_versioning.invoice_archive" in printed.stdout
    assert 'switched to "Suspended"' in printed.stdout  # the one edit a move cannot keep
    assert "IAC107" not in printed.stdout  # the bucket's cascade ends with its move
    # the moves cure the renames; what they leave is what was already listed for a human
    assert printed.stdout.endswith("# with these edits written, 7 finding(s) remain:\n#   and the 7 listed above as needing a human\n")
    written = run_cli(["fix", b, a, "--write"])
    assert written.exit_code == 1  # the database is still replaced, the versioning still suspended
    assert "# after these edits, 7 finding(s) remain" in written.stdout
    assert run_cli(["diff", b, a, "--select", "IAC205"]).stdout.count('switched to "Suspended"') == 1
