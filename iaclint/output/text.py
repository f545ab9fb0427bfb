"""`path:line:col: CODE [severity] message`, an indented `help:` line, and a one-line summary."""

from __future__ import annotations

from iaclint.output import Report
from iaclint.output.markdown import summary_line

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def render(report: Report) -> str:
    lines: list[str] = []
    for f in report.findings:
        sev = f.severity.value
        where = f"{f.path}:{f.line}:{f.column}" if f.line > 0 else f.path
        if report.color:
            head = f"{_BOLD}{where}:{_RESET} {f.rule} {_COLORS[sev]}[{sev}]{_RESET} {f.message}"
        else:
            head = f"{where}: {f.rule} [{sev}] {f.message}"
        lines.append(head)
        if f.help:
            lines.append(f"  {_DIM if report.color else ''}help:{_RESET if report.color else ''} {f.help}")
        if f.fix and "\n" in f.fix:
            lines.extend("    " + ln for ln in f.fix.splitlines())
    lines.append(summary_line(report))
    return "\n".join(lines)
