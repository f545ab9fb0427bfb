"""`--format agent`: a few plain lines a coding agent (an LLM) reads reliably.

The first line is the verdict; then one line per error or warning: what will be destroyed,
replaced or left unprotected, where, why, and the exact edit that avoids it. Nothing else: no
colour, no summary, no notes (they never block). A multi-line fix follows its line, indented.

    VERDICT: BLOCK (2 destructive changes)
    - aws_db_instance.main will be replaced at db.tf:4. Why: ... (IAC101). Fix: keep the old value ...
    - aws_s3_bucket.logs will be replaced at s3.tf:1. Why: ... (IAC103). Fix: add this to the module:
        moved {
          from = aws_s3_bucket.old
          to   = aws_s3_bucket.logs
        }
"""

from __future__ import annotations

from iaclint.core.model import Category, Finding, Severity
from iaclint.output import Report

_WHAT = {
    Category.REPLACEMENT: "will be replaced (destroyed and re-created)",
    Category.DELETION: "will be destroyed",
    Category.PROTECTION: "loses its protection against destruction",
    Category.OUT_OF_SCOPE: "is touched outside the declared scope",
}


def render(report: Report) -> str:
    blocking = [f for f in report.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    if not blocking:
        return "VERDICT: OK (no destructive changes)"
    n = len(blocking)
    lines = [f"VERDICT: BLOCK ({n} destructive change{'s' if n != 1 else ''})"]
    for f in blocking:
        lines.extend(_lines(f))
    return "\n".join(lines)


def _lines(f: Finding) -> list[str]:
    if f.category is Category.COMMAND:  # the message says what the command destroys; there is no file
        return [f"- {_one_line(f.message).rstrip('.')} ({f.rule}). Fix: {_one_line(f.help) or 'do not run it'}"]
    if f.category is Category.PARSE_ERROR:
        what = f"{f.path} cannot be checked"
    else:
        what = f"{f.resource or 'a resource'} {_WHAT.get(f.category, 'is at risk')}"
    why = _one_line(f.message).rstrip(".")
    fix = f.fix.strip() if f.fix else ""
    help_text = _one_line(f.help).rstrip(":") if f.help else ""
    head = f"- {what} at {f.path}{f':{f.line}' if f.line > 0 else ''}. Why: {why} ({f.rule})."
    if fix and "\n" not in fix:
        return [f"{head} Fix: {fix}"]
    if fix:
        lead = help_text or "add"
        return [f"{head} Fix: {lead}:"] + ["    " + ln for ln in fix.splitlines()]
    return [f"{head} Fix: {help_text or 'review by hand'}"]


def _one_line(text: str) -> str:
    return " ".join(text.split())
