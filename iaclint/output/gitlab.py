"""GitLab Code Quality report (a JSON list of Code Climate issues), for `artifacts:reports:codequality`.

The fingerprint is the MD5 of the same basis SARIF hashes (see `sarif.fingerprint_bases`), so
an issue keeps its identity when lines move, and no two issues in one report share it.
"""

from __future__ import annotations

import hashlib

from iaclint.output import Report
from iaclint.output.json_format import dumps
from iaclint.output.sarif import fingerprint_bases

SEVERITY = {"error": "critical", "warning": "major", "note": "info"}


def render(report: Report) -> str:
    issues = []
    for f, basis in zip(report.findings, fingerprint_bases(report.findings)):
        issues.append(
            {
                "description": f"{f.message} — {f.help}" if f.help else f.message,
                "check_name": f.rule,
                "fingerprint": hashlib.md5(basis.encode("utf-8"), usedforsecurity=False).hexdigest(),
                "severity": SEVERITY[f.severity.value],
                "location": {"path": f.path.replace("\\", "/"), "lines": {"begin": max(f.line, 1)}},
                "categories": ["Bug Risk"],
            }
        )
    return dumps(issues)
