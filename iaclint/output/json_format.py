"""The JSON contract (version 1). Other tools parse it: extend it, never break it."""

from __future__ import annotations

import json

from iaclint.output import Report

CONTRACT_VERSION = 1


def finding_dict(f) -> dict:
    d = {
        "rule": f.rule,
        "name": f.name,
        "category": f.category.value,
        "severity": f.severity.value,
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line if f.end_line is not None else f.line,
        "resource": f.resource,
        "resources": list(f.resources or ([f.resource] if f.resource else [])),
        "message": f.message,
        "help": f.help,
        "source": f.source,
    }
    if f.fix:
        d["fix"] = f.fix
    for key in ("construct_path", "created_at"):  # a template CDK synthesized: the construct, the user's line
        if isinstance(f.extra.get(key), str):
            d[key] = f.extra[key]
    if f.before_path is not None:
        d["before_path"] = f.before_path
        d["before_line"] = f.before_line
    return d


def render(report: Report) -> str:
    doc = {
        "version": CONTRACT_VERSION,
        "tool": {"name": "iaclint", "version": report.version},
        "findings": [finding_dict(f) for f in report.findings],
        "summary": report.summary,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)
