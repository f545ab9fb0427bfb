"""SARIF 2.1.0, shaped for GitHub code scanning (`github/codeql-action/upload-sarif`).

One run. `tool.driver.rules` lists every registered rule (plus any rule a finding names that
is not registered, so `ruleIndex` always points somewhere). Paths are emitted relative, with
forward slashes, against `%SRCROOT%`; code scanning resolves them from the repository root.

`partialFingerprints["iaclint/v1"]` lets code scanning follow an alert when lines move; see
`fingerprint_bases` for the recipe (the gitlab format uses the same one).
"""

from __future__ import annotations

import hashlib
import re

from iaclint.core.model import Finding
from iaclint.output import Report, RuleInfo
from iaclint.output.json_format import dumps
from iaclint.output.markdown import rule_doc_url

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/iaclint/iaclint"
FINGERPRINT_KEY = "iaclint/v1"

# GitHub maps these to its security severities: > 7.0 high, 4.0–6.9 medium, 0.1–3.9 low.
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "note": "2.0"}

_DIGITS = re.compile(r"\d+")
# RFC 3986 unreserved characters plus the path separator; everything else is percent-encoded.
_URI_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~/]")


def render(report: Report) -> str:
    rules = [_rule(r, report.docs_url) for r in report.rules]
    index = {r.code: i for i, r in enumerate(report.rules)}
    results = []
    for finding, basis in zip(report.findings, fingerprint_bases(report.findings)):
        if finding.rule not in index:  # not registered (a user pack?): describe it from the finding
            index[finding.rule] = len(rules)
            rules.append(_rule(_info_from(finding), report.docs_url))
        results.append(_result(finding, index[finding.rule], basis))

    driver: dict = {"name": "iaclint"}
    if report.version:
        driver["version"] = report.version
    driver["informationUri"] = INFORMATION_URI
    driver["rules"] = rules
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    return dumps(log)


def fingerprint_bases(findings: list[Finding]) -> list[str]:
    """One string per finding that survives line shifts; hash it to get a fingerprint.

    Basis = rule, path (forward slashes), resource (or the `resources` joined with ","), and
    the message with every run of digits replaced by "#", joined by U+001F. When two findings
    share a basis, the second gets "\\x1f1" appended, the third "\\x1f2", in report order, so
    fingerprints stay unique (GitLab requires that).
    """
    seen: dict[str, int] = {}
    bases = []
    for f in findings:
        resource = f.resource or ",".join(f.resources)
        basis = "\x1f".join((f.rule, _posix(f.path), resource, _DIGITS.sub("#", f.message)))
        n = seen.get(basis, 0)
        seen[basis] = n + 1
        bases.append(basis if n == 0 else f"{basis}\x1f{n}")
    return bases


def _rule(r: RuleInfo, docs_url: str = "") -> dict:
    return {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.summary},
        "help": {"text": r.doc, "markdown": r.doc},
        "helpUri": rule_doc_url(r.code, r.name, docs_url),
        "defaultConfiguration": {"level": r.severity},
        "properties": {
            "tags": [r.category, "iac"],
            "security-severity": SECURITY_SEVERITY.get(r.severity, "2.0"),
        },
    }


def _info_from(f: Finding) -> RuleInfo:
    return RuleInfo(
        code=f.rule,
        name=f.name,
        category=f.category.value,
        severity=f.severity.value,
        summary=f.name,
        doc=f.name,
    )


def _result(f: Finding, rule_index: int, basis: str) -> dict:
    text = f"{f.message} — {f.help}" if f.help else f.message
    physical: dict = {"artifactLocation": _artifact(f.path)}
    if f.line > 0:  # line 0: the file as a whole (a deleted file, a removal with no free line)
        region: dict = {"startLine": f.line, "startColumn": max(f.column, 1)}
        if f.end_line is not None and f.end_line >= f.line:
            region["endLine"] = f.end_line
        physical["region"] = region
    location: dict = {"physicalLocation": physical}
    addresses = list(dict.fromkeys(a for a in [f.resource, *f.resources] if a))
    if addresses:
        location["logicalLocations"] = [
            {"fullyQualifiedName": a, "kind": "resource"} for a in addresses
        ]
    result = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": f.severity.value,
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: hashlib.sha256(basis.encode("utf-8")).hexdigest()},
    }
    created = f.extra.get("created_at") if isinstance(f.extra, dict) else None
    source, _, line = created.rpartition(":") if isinstance(created, str) else ("", "", "")
    if source and line.isdigit() and not _posix(source).startswith("/") and not re.match(r"[A-Za-z]:/", _posix(source)):
        # a resource of a synthesized CDK template: the line of the program that created it
        result["relatedLocations"] = [{"id": 1, "message": {"text": "the construct is created here"},
                                       "physicalLocation": {"artifactLocation": _artifact(source),
                                                            "region": {"startLine": int(line)}}}]
    return result


def _artifact(path: str) -> dict:
    p = _posix(path)
    if p.startswith("/"):  # absolute: a file URI, no base
        return {"uri": "file://" + _uri_escape(p)}
    if re.match(r"[A-Za-z]:/", p):  # absolute Windows path
        return {"uri": "file:///" + p[:2] + _uri_escape(p[2:])}
    return {"uri": _uri_escape(p), "uriBaseId": "%SRCROOT%"}


def _uri_escape(path: str) -> str:
    return _URI_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), path)


def _posix(path: str) -> str:
    p = path.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p
