"""`--format agent`: the verdict line, one line per error or warning, nothing else."""

from __future__ import annotations

from iaclint.core.model import Category, Finding, Severity
from iaclint.output import Report, get_formatter


def _f(rule, category, severity, resource, line, message, help="", fix=None):
    return Finding(rule=rule, name="x", category=category, severity=severity, path="main.tf", line=line,
                   message=message, help=help, resource=resource, fix=fix)


def render(findings):
    return get_formatter("agent")(Report(findings, {}))


def test_ok_when_nothing_blocks():
    note = _f("IAC102", Category.REPLACEMENT, Severity.NOTE, "aws_instance.web", 3, "may replace")
    assert render([]) == "VERDICT: OK (no destructive changes)"
    assert render([note]) == "VERDICT: OK (no destructive changes)"


def test_block_lists_what_why_and_fix():
    findings = [
        _f("IAC101", Category.REPLACEMENT, Severity.ERROR, "aws_db_instance.main", 4,
           "aws_db_instance.main: changing `engine` forces replacement", help="keep the old value"),
        _f("IAC103", Category.REPLACEMENT, Severity.WARNING, "aws_s3_bucket.old", 9, "renamed without a moved block",
           help="add a `moved` block:", fix="moved {\n  from = aws_s3_bucket.old\n  to   = aws_s3_bucket.new\n}"),
        _f("IAC201", Category.PROTECTION, Severity.ERROR, "aws_db_instance.main", 5, "deletion_protection turned off",
           help="keep it on"),
        _f("IAC102", Category.REPLACEMENT, Severity.NOTE, "aws_instance.web", 3, "may replace"),
    ]
    out = render(findings).splitlines()
    assert out[0] == "VERDICT: BLOCK (3 destructive changes)"
    assert out[1] == ("- aws_db_instance.main will be replaced (destroyed and re-created) at main.tf:4. "
                      "Why: aws_db_instance.main: changing `engine` forces replacement (IAC101). Fix: keep the old value")
    assert out[2].startswith("- aws_s3_bucket.old will be replaced") and out[2].endswith("Fix: add a `moved` block:")
    assert out[3:7] == ["    moved {", "      from = aws_s3_bucket.old", "      to   = aws_s3_bucket.new", "    }"]
    assert out[7].startswith("- aws_db_instance.main loses its protection") and "(IAC201)" in out[7]
    assert len(out) == 8  # notes and summaries are left out
