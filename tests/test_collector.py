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


def test_run_as_the_program_it_leaves_the_collectors_last_pass_out(tmp_path):
    """At exit the collector's last pass would walk every object left: the program skips it
    (atexit), an in-process caller (argv given) keeps its collector as it was."""
    import os
    import subprocess
    import sys

    probe = (
        "import gc, os, sys\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and os.write(2, b'PASS\\n'))\n"
        "from iaclint.cli import main\n"
        "main(%s)\n"
        "gc.collect()\n"  # a pass while the program still runs: the collector is on
        "os.write(2, b'MAIN DONE\\n')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    for argv, passes_at_exit in (("", 0), ("['--version']", None)):
        proc = subprocess.run([sys.executable, "-c", probe % argv, "--version"], cwd=tmp_path, env=env,
                              capture_output=True, text=True)
        before, _, after = proc.stderr.partition("MAIN DONE")
        assert "PASS" in before, proc.stderr
        if passes_at_exit == 0:
            assert "PASS" not in after, proc.stderr
        else:
            assert "PASS" in after, proc.stderr  # in-process caller: the usual exit
