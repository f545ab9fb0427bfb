"""Declared scope (IAC410 out-of-scope): the globs, the command line, the case folders' options.

The case folders under tests/cases/IAC410/ hold the behaviour per language; here: how a scope
is read and matched, and that the in-scope cases are silent because of the scope, not because
nothing changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BUCKET, DB_PROTECTED, DB_UNPROTECTED, QUEUE, run_cli, write
from helpers import lint_trees

from iaclint.core.model import Pos, Resource
from iaclint.core.scope import in_scope, names_of, parse_scope_text

CASES = Path(__file__).parent / "cases" / "IAC410"


def _resource(address: str, **meta) -> Resource:
    return Resource(address=address, type="t", stack=".", path="main.tf", pos=Pos(1), meta=meta)


def test_scope_file_lines_and_comments():
    text = "# what the ticket allows\naws_s3_bucket.logs\n\n  module.app.*   # the app module\nLogs#Bucket\n"
    assert parse_scope_text(text) == ["aws_s3_bucket.logs", "module.app.*", "Logs#Bucket"]
    assert parse_scope_text("") == []


@pytest.mark.parametrize("address, meta, patterns, expected", [
    ("aws_s3_bucket.logs", {}, ["aws_s3_bucket.logs"], True),
    ("aws_s3_bucket.logs", {}, ["aws_s3_bucket.log"], False),  # a glob matches the whole address
    ("aws_s3_bucket.logs", {}, ["AWS_S3_BUCKET.LOGS"], False),  # addresses are case-sensitive
    ("module.app.aws_sns_topic.events", {}, ["module.app.*"], True),
    ("module.app.module.db.aws_db_instance.this", {}, ["module.app.*"], True),  # `*` crosses dots
    ("module.other.aws_sns_topic.events", {}, ["module.app.*"], False),
    ('aws_sqs_queue.workers["a"]', {}, ["aws_sqs_queue.workers"], True),  # every instance of the resource
    ("aws_sqs_queue.workers[2]", {}, ['aws_sqs_queue.workers[1]'], False),  # but a key names one instance
    ("module.app[0].aws_sns_topic.events", {}, ["module.app.*"], True),
    ("LogsBucket", {}, ["Logs*"], True),
    ("StorageAssets320D2163", {"construct_path": "Storage/Assets/Resource"}, ["Storage/Assets"], True),
    ("StorageAssets320D2163", {"construct_path": "Storage/Assets/Resource"}, ["Storage/*"], True),
    ("StorageAssets320D2163", {"construct_path": "Storage/Assets/Resource"}, ["StorageAssets*"], True),
    ("StorageJobs4C7573CB", {"construct_path": "Storage/Jobs/Resource"}, ["Storage/Assets"], False),
])
def test_globs_match_addresses_and_construct_paths(address, meta, patterns, expected):
    assert in_scope(_resource(address, **meta), patterns) is expected, names_of(_resource(address, **meta))


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if "inside" in p.name))
def test_in_scope_cases_change_something_the_scope_covers(case):
    """Silent with the case's scope, loud with an empty one: the scope is what keeps it silent."""
    folder = CASES / case
    assert lint_trees(folder / "before", folder / "after", **json.loads((folder / "options.json").read_text())) == []
    found = lint_trees(folder / "before", folder / "after", scope=[])
    assert found and {f.rule for f in found} == {"IAC410"}


def test_without_a_scope_the_rule_is_silent():
    folder = CASES / "tf-cleanup-outside-scope"
    assert "IAC410" not in {f.rule for f in lint_trees(folder / "before", folder / "after")}


def _trees(tmp_path, before, after):
    write(tmp_path / "b", before)
    write(tmp_path / "a", after)
    return [tmp_path / "b", tmp_path / "a"]


def test_cli_scope_options(tmp_path):
    trees = _trees(tmp_path, {"main.tf": BUCKET + QUEUE + DB_PROTECTED},
                   {"main.tf": BUCKET + QUEUE.replace('"jobs"\n}', '"jobs"\n  delay_seconds = 5\n}')
                    + DB_PROTECTED})
    base = ["diff", *trees, "--format", "json"]

    def rules(result):
        assert result.exit_code in (0, 1), result.stderr
        return [(f["rule"], f["resource"], f["category"]) for f in json.loads(result.stdout)["findings"]]

    assert rules(run_cli(base)) == []
    assert rules(run_cli(base + ["--scope", "aws_s3_bucket.logs"])) == [("IAC410", "aws_sqs_queue.jobs", "out-of-scope")]
    assert rules(run_cli(base + ["--scope", "aws_s3_bucket.logs", "--scope", "aws_sqs_queue.*"])) == []
    scope_file = tmp_path / "scope.txt"
    scope_file.write_text("# the queue only\naws_sqs_queue.jobs\n", encoding="utf-8")
    assert rules(run_cli(base + ["--scope-file", scope_file])) == []
    # the file and the flags add up
    scope_file.write_text("aws_s3_bucket.logs\n", encoding="utf-8")
    assert rules(run_cli(base + ["--scope-file", scope_file]))[0][0] == "IAC410"
    assert rules(run_cli(base + ["--scope-file", scope_file, "--scope", "aws_sqs_queue.jobs"])) == []
    # selectable by code, name and category like any rule
    for selector in ("IAC410", "out-of-scope"):
        assert rules(run_cli(base + ["--scope", "nothing", "--ignore", selector])) == []
    exit_code = run_cli(["diff", *trees, "--scope", "aws_s3_bucket.logs"]).exit_code
    assert exit_code == 1  # an error by default


def test_an_unreadable_scope_file_is_a_usage_error(tmp_path):
    trees = _trees(tmp_path, {"main.tf": BUCKET}, {"main.tf": BUCKET})
    result = run_cli(["diff", *trees, "--scope-file", tmp_path / "missing.txt"])
    assert result.exit_code == 2 and "--scope-file" in result.stderr and len(result.stderr.splitlines()) == 1


def test_an_out_of_scope_replacement_says_replaced(tmp_path):
    trees = _trees(tmp_path, {"main.tf": DB_PROTECTED}, {"main.tf": DB_PROTECTED.replace('"postgres"', '"mysql"')})
    doc = json.loads(run_cli(["diff", *trees, "--format", "json", "--scope", "aws_s3_bucket.*"]).stdout)
    scope = [f for f in doc["findings"] if f["rule"] == "IAC410"]
    assert len(scope) == 1 and " is replaced, outside the declared scope (`aws_s3_bucket.*`)" in scope[0]["message"]
    assert "--scope 'aws_db_instance.main'" in scope[0]["help"]
    protection = run_cli(["diff", *_trees(tmp_path / "p", {"main.tf": DB_PROTECTED}, {"main.tf": DB_UNPROTECTED}),
                          "--format", "json", "--scope", "aws_db_instance.main"])
    assert [f["rule"] for f in json.loads(protection.stdout)["findings"]] == ["IAC201"]


def test_a_plan_neither_confirms_nor_refutes_the_scope(tmp_path):
    """An in-place update the plan confirms as an update is still outside the declared scope."""
    tf = 'resource "aws_sqs_queue" "q" {\n  name = "jobs"\n  delay_seconds = %d\n}\n'
    trees = _trees(tmp_path, {"main.tf": tf % 0}, {"main.tf": tf % 5})
    plan = {
        "format_version": "1.2",
        "resource_changes": [{
            "address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q",
            "change": {"actions": ["update"], "before": {"name": "jobs", "delay_seconds": 0},
                       "after": {"name": "jobs", "delay_seconds": 5}, "after_unknown": {}},
        }],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    result = run_cli(["diff", *trees, "--plan", tmp_path / "plan.json", "--format", "json", "--scope", "aws_s3_bucket.*"])
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["IAC410"], result.stderr


def test_a_long_scope_is_named_in_short(tmp_path):
    trees = _trees(tmp_path, {"main.tf": QUEUE}, {"main.tf": QUEUE.replace('"jobs"\n}', '"jobs"\n  delay_seconds = 5\n}')})
    scope_file = tmp_path / "scope.txt"
    scope_file.write_text("".join(f"aws_s3_bucket.b{i}\n" for i in range(300)), encoding="utf-8")
    doc = json.loads(run_cli(["diff", *trees, "--format", "json", "--scope-file", scope_file]).stdout)
    (finding,) = doc["findings"]
    assert "`aws_s3_bucket.b4` and 295 more)" in finding["message"] and "b5`" not in finding["message"]


def test_a_cascade_is_out_of_scope_unless_declared():
    """The resources IAC107 finds replaced with an in-scope root are replaced by the change too."""
    folder = CASES / "tf-cascade-outside-scope"
    scope = json.loads((folder / "options.json").read_text())["scope"]
    out = [f for f in lint_trees(folder / "before", folder / "after", scope=scope) if f.rule == "IAC410"]
    assert sorted(f.resource for f in out) == ["aws_db_instance.orders", "aws_instance.web", "aws_security_group.db"]
    assert all("is destroyed with aws_vpc.main (IAC107)" in f.message for f in out)
    declared = scope + ["aws_security_group.db", "aws_instance.web", "aws_db_instance.*"]
    found = lint_trees(folder / "before", folder / "after", scope=declared)
    assert "IAC410" not in {f.rule for f in found} and "IAC107" in {f.rule for f in found}
