"""Worker processes: every answer comes back once, a failure is a missing answer (never a hang
or a wrong one), and the stacks checked in workers give the findings a serial run gives."""

from __future__ import annotations

import json
import os
import sys

import pytest

from conftest import run_cli, write

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are used on Linux only")


def _square(x: int) -> int:
    return x * x


def test_every_item_is_answered_once_whatever_the_order():
    from iaclint.cache import workers
    from iaclint.cache.store import loads

    items = list(range(50))
    answers = list(workers.stream(_square, items, 2, order=list(reversed(range(50)))))
    assert sorted(i for i, _ in answers) == items
    assert {i: loads(data) for i, data in answers} == {i: i * i for i in items}


def test_more_items_than_tasks_the_pipe_holds_are_all_answered():
    from iaclint.cache import workers

    n = workers._MAX_TASKS * 2 + 3  # several indices a task
    assert len(workers.run(_square, list(range(n)), 2)) == n


def test_an_item_that_fails_is_missing_from_the_answer():
    from iaclint.cache import workers

    def fails_on_three(x):
        if x == 3:
            raise ValueError("no")
        return x

    assert sorted(workers.run(fails_on_three, list(range(6)), 2)) == [0, 1, 2, 4, 5]


def test_a_worker_that_dies_leaves_its_items_to_the_caller_and_nothing_hangs():
    from iaclint.cache import workers

    def dies_on_two(x):
        if x == 2:
            os._exit(3)
        return x

    assert set(workers.run(dies_on_two, list(range(8)), 2)) == set(range(8)) - {2}


def test_nothing_to_do_starts_no_worker():
    from iaclint.cache import workers

    assert workers.run(_square, [], 2) == {}


def _template(engine: str, queue: str) -> str:
    """A JSON template (the YAML ones are in test_cache.py): a database and a queue."""
    return json.dumps({"Resources": {
        "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": engine, "DBInstanceClass": "db.t3.micro"}},
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "${AWS::StackName}-" + queue}}},
    }}, indent=2)


def _serial_then_parallel(tmp_path, monkeypatch, patch):
    """`diff b a` in one process, then with two workers after `patch()`: both results."""
    monkeypatch.setenv("IACLINT_JOBS", "1")
    serial = run_cli(["diff", "b", "a", "--format", "json", "--no-cache"], cwd=tmp_path)
    monkeypatch.setenv("IACLINT_JOBS", "2")
    patch()
    return serial, run_cli(["diff", "b", "a", "--format", "json", "--no-cache"], cwd=tmp_path)


def test_stacks_checked_in_workers_give_the_serial_findings_in_the_serial_order(tmp_path, monkeypatch):
    from iaclint.engine import runner

    for i in range(24):
        write(tmp_path, {f"b/t{i:02}.json": _template("postgres", "q"),
                         f"a/t{i:02}.json": _template("mysql" if i % 3 else "postgres", f"q{i % 2}")})
    monkeypatch.setattr(runner, "MIN_CHANGES", 1)
    calls = []
    original = runner._in_workers
    serial, parallel = _serial_then_parallel(tmp_path, monkeypatch, lambda: monkeypatch.setattr(
        runner, "_in_workers", lambda *a, **k: calls.append(1) or original(*a, **k)))
    assert calls and parallel.exit_code == serial.exit_code == 1
    assert json.loads(parallel.stdout) == json.loads(serial.stdout)
    assert len(json.loads(serial.stdout)["findings"]) >= 16


def _yaml_template(engine: str, queue: str, allow: bool) -> str:
    """A database, a queue and a bucket the change never touches; the suppression comment
    (when `allow`) suppresses the database's replacement, or nothing."""
    comment = "    # iaclint: allow IAC101 -- the engine moves in a maintenance window\n" if allow else ""
    return (
        "Parameters:\n  Env:\n    Type: String\n    Default: dev\n"
        "Resources:\n"
        f"  Db:\n{comment}    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: {engine}\n"
        "      DBInstanceClass: db.t3.micro\n"
        f"  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '${{Env}}-{queue}'\n"
        "  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${Env}-logs'\n"
    )


def test_pairs_read_in_workers_are_checked_there_with_the_serial_findings(tmp_path, monkeypatch):
    """A template pair read in a worker is checked in that worker (`LoadContext.check`): no
    stack is checked again here, and the findings, suppressions included, are the serial ones."""
    from iaclint.cache import workers
    from iaclint.engine import runner

    for i in range(24):
        write(tmp_path, {f"b/t{i:02}.yaml": _yaml_template("postgres", "q", allow=i % 4 == 1),
                         f"a/t{i:02}.yaml": _yaml_template("mysql" if i % 3 else "postgres", f"q{i % 2}", allow=i % 4 == 1)})
    monkeypatch.setattr(workers, "MIN_BYTES", 1)
    here = []
    original, pid = runner._check, os.getpid()
    serial, parallel = _serial_then_parallel(tmp_path, monkeypatch, lambda: monkeypatch.setattr(
        runner, "_check", lambda *a: (os.getpid() != pid or here.append(a[0].stack)) and original(*a)))
    found = json.loads(serial.stdout)["findings"]
    assert json.loads(parallel.stdout) == json.loads(serial.stdout)
    assert parallel.exit_code == serial.exit_code == 1
    assert {f["rule"] for f in found} >= {"IAC101", "IAC004"} and len(found) >= 16
    assert here == []  # every stack was checked in the worker that read it


def test_a_check_that_fails_in_a_worker_is_made_here(tmp_path, monkeypatch):
    from iaclint.cache import workers
    from iaclint.engine import runner

    for i in range(12):
        write(tmp_path, {f"b/t{i:02}.yaml": _yaml_template("postgres", "q", allow=False),
                         f"a/t{i:02}.yaml": _yaml_template("mysql", "q", allow=False)})
    monkeypatch.setattr(workers, "MIN_BYTES", 1)
    original, pid = runner._check, os.getpid()

    def fails_in_a_worker(*a):
        if os.getpid() != pid:
            raise RuntimeError("a rule failed in a worker")
        return original(*a)

    serial, parallel = _serial_then_parallel(tmp_path, monkeypatch, lambda: monkeypatch.setattr(runner, "_check", fails_in_a_worker))
    assert json.loads(parallel.stdout) == json.loads(serial.stdout)
    assert len(json.loads(serial.stdout)["findings"]) == 12


def test_stacks_checked_beforehand_are_only_taken_with_the_default_rules():
    from iaclint.engine import runner
    from iaclint.engine.check import Context
    from iaclint.knowledge.packs import Packs

    with pytest.raises(ValueError):
        runner.run_checks([], Context(packs=Packs([])), rules=[], checked={0: []})


def test_a_pair_checked_in_a_worker_is_the_stack_diff_a_serial_run_builds(tmp_path, monkeypatch):
    """`_PairDiff` (a worker's read, loaded when asked for) holds what the stack diff built
    here holds: counts, files, comments, changes, resources, the templates' sections."""
    from iaclint.cache import workers
    from iaclint.core.model import StackDiff
    from iaclint.engine.check import Context
    from iaclint.engine.runner import stack_checker
    from iaclint.inputs.trees import DirTree
    from iaclint.knowledge.packs import Packs
    from iaclint.languages.cloudformation.loader import _PairDiff
    from iaclint.pipeline import analyze

    for i in range(10):
        write(tmp_path, {f"b/t{i:02}.yaml": _yaml_template("postgres", "q", allow=i % 2 == 0),
                         f"a/t{i:02}.yaml": _yaml_template("mysql" if i % 3 else "postgres", f"q{i}", allow=i % 2 == 0)})
    before, after = DirTree(tmp_path / "b"), DirTree(tmp_path / "a")
    changed = {f"t{i:02}.yaml" for i in range(10)}
    check = stack_checker(Context(packs=Packs([])))
    monkeypatch.setenv("IACLINT_JOBS", "1")
    serial = analyze(before, after, changed, {}, None, check)
    monkeypatch.setenv("IACLINT_JOBS", "2")
    monkeypatch.setattr(workers, "MIN_BYTES", 1)
    parallel = analyze(before, after, changed, {}, None, check)
    assert not serial.checked and sorted(parallel.checked) == list(range(10))
    assert all(isinstance(d, _PairDiff) for d in parallel.diffs)
    assert parallel.secrets == serial.secrets and parallel.problems == serial.problems
    for lazy, eager in zip(parallel.diffs, serial.diffs, strict=True):
        assert "changes" not in lazy.__dict__  # not loaded until asked for
        for field in ("stack", "language", "before_count", "after_count", "changed_files", "stack_comments", "moved_from", "moves"):
            assert getattr(lazy, field) == getattr(eager, field), field
        assert [(c.kind, c.address, c.changed_paths, c.before, c.after) for c in lazy.changes] == \
               [(c.kind, c.address, c.changed_paths, c.before, c.after) for c in eager.changes]
        assert dict(lazy.before_resources) == dict(eager.before_resources)
        assert dict(lazy.after_resources) == dict(eager.after_resources)
        for side in ("template_before", "template_after"):
            mine, theirs = getattr(lazy.facts, side), getattr(eager.facts, side)
            assert (mine.parameters, mine.outputs, mine.positions) == (theirs.parameters, theirs.outputs, theirs.positions)
        assert StackDiff._values(lazy) == StackDiff._values(eager)  # every field (`==` wants one class)
