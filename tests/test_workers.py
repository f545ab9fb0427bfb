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


def test_stacks_checked_in_workers_give_the_serial_findings_in_the_serial_order(tmp_path, monkeypatch):
    from iaclint.engine import runner

    for i in range(24):
        write(tmp_path, {f"b/t{i:02}.json": _template("postgres", "q"),
                         f"a/t{i:02}.json": _template("mysql" if i % 3 else "postgres", f"q{i % 2}")})
    monkeypatch.setenv("IACLINT_JOBS", "1")
    serial = run_cli(["diff", "b", "a", "--format", "json", "--no-cache"], cwd=tmp_path)
    monkeypatch.setenv("IACLINT_JOBS", "2")
    monkeypatch.setattr(runner, "MIN_CHANGES", 1)
    calls = []
    original = runner._in_workers
    monkeypatch.setattr(runner, "_in_workers", lambda *a: calls.append(1) or original(*a))
    parallel = run_cli(["diff", "b", "a", "--format", "json", "--no-cache"], cwd=tmp_path)
    assert calls and parallel.exit_code == serial.exit_code == 1
    assert json.loads(parallel.stdout) == json.loads(serial.stdout)
    assert len(json.loads(serial.stdout)["findings"]) >= 16
