"""The JSON report is a contract (version 1): other tools parse it.

tests/schemas/report-v1.json says what version 1 promises. Real reports, from a spread of
changes, must validate against it; the schema must reject what version 1 does not allow.
New properties may be added (the contract is extended, never broken).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from conftest import BUCKET, DB_PROTECTED, DB_UNPROTECTED, QUEUE, run_cli, write
from iaclint.core.model import Category, Severity

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "report-v1.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())

NAMED_DB = DB_PROTECTED.replace('"main"', '"orders"')

CHANGES = {
    "clean": ({"main.tf": BUCKET}, {"main.tf": BUCKET + "\n# comment\n"}),
    "protection-off": ({"main.tf": DB_PROTECTED}, {"main.tf": DB_UNPROTECTED}),
    "deleted": ({"main.tf": DB_PROTECTED + BUCKET + QUEUE}, {"main.tf": QUEUE}),
    "renamed": ({"main.tf": DB_PROTECTED}, {"main.tf": NAMED_DB}),
    "replaced": ({"main.tf": DB_PROTECTED}, {"main.tf": DB_PROTECTED.replace('"postgres"', '"mysql"')}),
    "parse-error-after": ({"main.tf": BUCKET}, {"main.tf": 'resource "aws_s3_bucket" "logs" {\n'}),
    "parse-error-before": ({"main.tf": 'resource "aws_s3_bucket" "logs" {\n'}, {"main.tf": BUCKET}),
    "binary": ({"main.tf": BUCKET}, {"main.tf": b"\x00\x01\x02binary"}),
    "suppressed-unused": (
        {"main.tf": BUCKET},
        {"main.tf": '# iaclint: allow IAC201 -- ticket OPS-1\nresource "aws_s3_bucket" "logs" {\n  bucket = "x"\n}\n'},
    ),
    "module-removed": (
        {"main.tf": 'module "db" {\n  source = "./db"\n}\n', "db/main.tf": DB_PROTECTED},
        {"main.tf": "# gone\n", "db/main.tf": DB_PROTECTED},
    ),
    # a third element: options the command line adds
    "out-of-scope": ({"main.tf": BUCKET + QUEUE}, {"main.tf": QUEUE}, ["--scope", "aws_sqs_queue.*"]),
}


def report(tmp_path, name) -> dict:
    before, after, *extra = CHANGES[name]
    write(tmp_path / "before", before)
    write(tmp_path / "after", after)
    result = run_cli(["diff", tmp_path / "before", tmp_path / "after", "--format", "json", *(extra[0] if extra else [])])
    assert result.exit_code in (0, 1), result.output
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_the_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_enums_match_the_model():
    finding = SCHEMA["$defs"]["finding"]["properties"]
    assert set(finding["category"]["enum"]) == {c.value for c in Category}
    assert set(finding["severity"]["enum"]) == {s.value for s in Severity}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_real_reports_validate(tmp_path, name):
    doc = report(tmp_path, name)
    errors = sorted(VALIDATOR.iter_errors(doc), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_summary_agrees_with_the_findings(tmp_path, name):
    doc = report(tmp_path, name)
    by = {s: sum(1 for f in doc["findings"] if f["severity"] == s) for s in ("error", "warning", "note")}
    s = doc["summary"]
    assert (s["errors"], s["warnings"], s["notes"]) == (by["error"], by["warning"], by["note"])


def test_the_spread_of_changes_covers_every_category_and_severity(tmp_path):
    """If a rule change makes a scenario silent, the contract test stops covering that shape."""
    seen_categories, seen_severities = set(), set()
    for i, name in enumerate(CHANGES):
        for f in report(tmp_path / str(i), name)["findings"]:
            seen_categories.add(f["category"])
            seen_severities.add(f["severity"])
    for doc in other_reports(tmp_path):
        for f in doc["findings"]:
            seen_categories.add(f["category"])
    assert seen_categories == {c.value for c in Category}
    assert seen_severities == {s.value for s in Severity}


def other_reports(tmp_path) -> list[dict]:
    """Reports of what a source change cannot show: a command line, a plan's drift."""
    command = run_cli(["check-command", "--format", "json", "--shell", "cd infra && terraform destroy"], cwd=tmp_path)
    assert command.exit_code == 1, command.output
    drift = run_cli(["plan", Path(__file__).parent / "data" / "plan" / "terraform" / "drift.json", "--format", "json"],
                    cwd=tmp_path)
    assert drift.exit_code == 1, drift.output
    return [json.loads(command.stdout), json.loads(drift.stdout)]


def test_reports_of_other_commands_validate(tmp_path):
    for doc in other_reports(tmp_path):
        errors = sorted(VALIDATOR.iter_errors(doc), key=str)
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_reports_from_git_mode_validate(git_repo):
    git_repo.commit({"infra/main.tf": DB_PROTECTED + BUCKET})
    git_repo.write({"infra/main.tf": DB_UNPROTECTED})
    result = git_repo.iaclint("diff", "--base", "HEAD", "--format", "json")
    doc = json.loads(result.stdout)
    VALIDATOR.validate(doc)
    assert doc["findings"] and all(f["path"] == "infra/main.tf" for f in doc["findings"])


def test_output_file_validates(tmp_path):
    write(tmp_path / "b", {"main.tf": DB_PROTECTED})
    write(tmp_path / "a", {"main.tf": DB_UNPROTECTED})
    out = tmp_path / "report.json"
    run_cli(["diff", tmp_path / "b", tmp_path / "a", "--format", "json", "-o", out])
    VALIDATOR.validate(json.loads(out.read_text(encoding="utf-8")))


# ------------------------------------------------------------------ the schema is not vacuous

GOOD = {
    "version": 1,
    "findings": [
        {
            "rule": "IAC201", "name": "deletion-protection-disabled", "category": "protection-removed",
            "severity": "error", "path": "main.tf", "line": 4, "column": 3, "end_line": 4,
            "resource": "aws_db_instance.main", "resources": ["aws_db_instance.main"],
            "message": "deletion protection turned off", "help": "keep it on",
        }
    ],
    "summary": {"files": 1, "resources_before": 1, "resources_after": 1, "errors": 1, "warnings": 0, "notes": 0},
}


def _broken(edit) -> dict:
    doc = copy.deepcopy(GOOD)
    edit(doc)
    return doc


@pytest.mark.parametrize(
    "label, edit",
    [
        ("version 2", lambda d: d.update(version=2)),
        ("no findings", lambda d: d.pop("findings")),
        ("no summary", lambda d: d.pop("summary")),
        ("unknown severity", lambda d: d["findings"][0].update(severity="info")),
        ("unknown category", lambda d: d["findings"][0].update(category="style")),
        ("line as a string", lambda d: d["findings"][0].update(line="4")),
        ("missing help", lambda d: d["findings"][0].pop("help")),
        ("missing resources", lambda d: d["findings"][0].pop("resources")),
        ("missing end_line", lambda d: d["findings"][0].pop("end_line")),
        ("summary count as float", lambda d: d["summary"].update(errors=1.5)),
        ("summary without notes", lambda d: d["summary"].pop("notes")),
    ],
)
def test_schema_rejects(label, edit):
    VALIDATOR.validate(GOOD)
    assert not VALIDATOR.is_valid(_broken(edit)), label


def test_schema_allows_extensions():
    def extend(d):
        d["generated_at"] = "now"
        d["findings"][0]["fix"] = "deletion_protection = true"
        d["findings"][0]["confidence"] = "high"
        d["summary"]["suppressed"] = 2

    assert VALIDATOR.is_valid(_broken(extend))


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=True, allow_infinity=True),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    | st.dictionaries(st.integers(), children, min_size=1, max_size=2),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(doc=_JSON_VALUES)
def test_the_report_is_written_as_json_dumps_writes_it(doc):
    """`json_format.dumps` writes what `json.dumps(indent=2, ensure_ascii=False)` writes, byte
    for byte (a value it does not write itself, a float or a number as a key, goes to json.dumps)."""
    from iaclint.output.json_format import dumps

    assert dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=False)
