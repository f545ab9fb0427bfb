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
    return dumps(doc)


def dumps(doc) -> str:
    """`json.dumps(doc, indent=2, ensure_ascii=False)`, the same text, without its pure-Python
    encoder (the C one does not indent): a report of thousands of findings is written in a
    fraction of the time. Anything but dicts with text keys, lists, text, whole numbers,
    booleans and null is left to `json.dumps` whole."""
    parts: list[str] = []
    if not _encode(doc, parts, "\n"):
        return json.dumps(doc, indent=2, ensure_ascii=False)
    return "".join(parts)


def _encode(value, parts: list[str], newline: str) -> bool:
    """Appends `value` as indented JSON to `parts` (`newline`: the line break and indentation of
    its own level); False for a value it leaves to `json.dumps`."""
    kind = value.__class__
    if kind is str:
        parts.append(_string(value))
    elif kind is dict or kind is list:
        keyed = kind is dict
        if not value:
            parts.append("{}" if keyed else "[]")
            return True
        inner = newline + "  "
        opening = ("{" if keyed else "[") + inner
        for key, item in value.items() if keyed else ((None, item) for item in value):
            parts.append(opening)
            if keyed:
                if key.__class__ is not str:
                    return False
                parts.append(_string(key))
                parts.append(": ")
            if not _encode(item, parts, inner):
                return False
            opening = "," + inner
        parts.append(newline + ("}" if keyed else "]"))
    elif kind is int:
        parts.append(int.__repr__(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    else:
        return False
    return True


_string = json.encoder.encode_basestring  # the C function `json.dumps` uses for ensure_ascii=False
