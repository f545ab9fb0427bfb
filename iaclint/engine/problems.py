"""Reading problems → findings: the one place that decides how loud a problem is.

After the change, a file that cannot be read is an error (IAC001): what it does cannot be
checked. Before the change it is a warning (IAC002): what it held cannot be compared, so a
destructive change in it may go unseen. A file the change does not touch but that a touched
module reads is a warning too: the change did not break it.
"""

from __future__ import annotations

from iaclint.core.model import Category, Finding, Problem, Severity
from iaclint.engine.registry import rule_class


def to_finding(p: Problem, changed: set[str] | None = None) -> Finding:
    after = p.side != "before"
    rule = rule_class(p.code if after else "IAC002")
    severity = p.severity or rule.severity
    message = p.message
    if after and changed is not None and p.path not in changed and p.severity is None:
        severity = Severity.WARNING
        message += " (the file is not changed by this change)"
    if not after:
        message = f"cannot read the previous version: {message}" if p.fatal else f"the previous version is flawed: {message}"
    help_text = p.help or (
        "fix the file; iaclint cannot check what it cannot read" if after
        else "destructive changes in this file cannot be seen; review it by hand"
    )
    if not after and not p.fatal:
        help_text = "the file was read with the flaw replaced; review its destructive changes by hand if in doubt"
    return Finding(
        rule=rule.code,
        name=rule.name,
        category=Category.PARSE_ERROR,
        severity=severity,
        path=p.path,
        line=p.pos.line,
        column=p.pos.column,
        end_line=p.pos.line,
        message=message,
        help=help_text,
    )


def to_findings(problems: list[Problem], changed: set[str] | None = None) -> list[Finding]:
    return [to_finding(p, changed) for p in problems]
