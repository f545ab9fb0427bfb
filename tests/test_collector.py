"""The garbage collector around a run: paused while the change is read, what was read frozen
meanwhile (the first pass after the pause would otherwise walk all of it), and everything given
back when the run ends. Counted, never timed."""

from __future__ import annotations

import gc

from tests.helpers import lint_trees

TEMPLATE = """Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "${AWS::StackName}-q"
      Tags:
        - Key: team
          Value: %s
  Table:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: %s
    Properties:
      TableName: t
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
"""


def _sides(tmp_path, after_policy: str):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b/t.yaml").write_text(TEMPLATE % ("x", "Retain"))
    (tmp_path / "a/t.yaml").write_text(TEMPLATE % ("y", after_policy))
    return tmp_path / "b", tmp_path / "a"


def test_a_run_leaves_nothing_frozen_and_the_collector_on(tmp_path):
    before, after = _sides(tmp_path, "Delete")
    assert gc.isenabled() and gc.get_freeze_count() == 0
    findings = lint_trees(before, after)
    assert any(f.rule == "IAC209" for f in findings)  # the weakened DeletionPolicy
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_benign_run_leaves_nothing_frozen_either(tmp_path):
    before, after = _sides(tmp_path, "Retain")
    assert not [f for f in lint_trees(before, after) if f.severity.value in ("error", "warning")]
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_what_an_embedder_froze_stays_frozen(tmp_path):
    before, after = _sides(tmp_path, "Delete")
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        lint_trees(before, after)
        assert gc.get_freeze_count() >= frozen  # not thawed by iaclint
    finally:
        gc.unfreeze()


def test_reading_a_template_makes_no_reference_cycles(tmp_path):
    """Each resource's properties walk was a recursive closure, a cycle per resource that only
    the collector could free (with the positions it held)."""
    from iaclint.languages.cloudformation.template import parse_template

    text = TEMPLATE % ("x", "Retain")
    parse_template(text, "t.yaml", "t.yaml")  # imports and caches warmed
    gc.collect()
    gc.disable()
    try:
        for _ in range(20):
            parse_template(text, "t.yaml", "t.yaml")
        assert gc.collect() == 0
    finally:
        gc.enable()
