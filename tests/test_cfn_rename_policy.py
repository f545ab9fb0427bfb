"""What IAC103 says for a renamed logical ID follows the old resource's DeletionPolicy: deleted,
deleted after a snapshot, or retained outside the stack; and a new resource with the same
physical name fails to be created. The case folders pin which finding and how loud; this pins
what it claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import lint_trees

CASES = Path(__file__).parent / "cases" / "IAC103"


def _finding(case: str):
    (finding,) = [f for f in lint_trees(CASES / case / "before", CASES / case / "after") if f.rule == "IAC103"]
    return finding


@pytest.mark.parametrize("case, says, never", [
    ("cfn-retained-bucket-renamed",
     ["DeletionPolicy Retain keeps the old AWS::S3::Bucket", "orphaned", "new, empty one under Archive"],
     ["deletes the old", "set `DeletionPolicy: Retain`"]),
    ("cfn-retain-except-on-create-table-renamed",
     ["DeletionPolicy RetainExceptOnCreate keeps the old AWS::DynamoDB::Table", "orphaned"],
     ["deletes the old", "set `DeletionPolicy: Retain`"]),
    ("cfn-retained-named-bucket-renamed",
     ['same `BucketName` "acme-invoices"', "the creation fails and the update rolls back",
      "DeletionPolicy Retain would keep the old one"],
     ["set `DeletionPolicy: Retain`", "new, empty"]),
    ("cfn-snapshot-db-renamed",
     ["deletes the old one after a final snapshot", "restore the new one from the snapshot"],
     ["set `DeletionPolicy: Retain`"]),
    ("cfn-db-default-policy-renamed",  # RDS instances outside a cluster default to Snapshot
     ["deletes the old one after a final snapshot"], ["set `DeletionPolicy: Retain`"]),
    ("cfn-named-table-renamed-without-policy",
     ['same `TableName` "orders"', "the creation fails and the update rolls back", "the old one would be deleted"],
     ["DeletionPolicy Retain"]),
    ("cfn-queue-renamed",
     ["creates a new AWS::SQS::Queue under", "and deletes the old one", "set `DeletionPolicy: Retain` on the old one first"],
     ["orphaned"]),
])
def test_what_a_rename_does_follows_the_deletion_policy(case, says, never):
    finding = _finding(case)
    text = finding.message + "\n" + finding.help
    for s in says:
        assert s in text, text
    for s in never:
        assert s not in text, text


def test_a_retained_resource_renamed_is_a_warning_not_an_error():
    assert _finding("cfn-retained-bucket-renamed").severity.value == "warning"
    assert _finding("cfn-snapshot-db-renamed").severity.value == "error"


def test_snapshot_on_a_type_without_snapshots_deletes(tmp_path):
    from conftest import write

    template = ("Resources:\n  %s:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Snapshot\n"
                "    Properties:\n      Tags: [{Key: a, Value: b}]\n")
    write(tmp_path / "b", {"t.yaml": template % "Store"})
    write(tmp_path / "a", {"t.yaml": template % "Archive"})
    (finding,) = [f for f in lint_trees(tmp_path / "b", tmp_path / "a") if f.rule == "IAC103"]
    assert "deletes the old one" in finding.message and "takes no snapshot" in finding.message
    assert finding.severity.value == "error"
