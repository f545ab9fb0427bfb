"""Formatters: each renders a finished, sorted report and does nothing else.

A formatter is a function `render(report: Report) -> str`. The registry below is the
whole list; an unknown name is a usage error in the CLI, never a silent fallback.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any, Callable

from iaclint.core.model import Finding
from iaclint.core.record import FRESH, Record


class RuleInfo(Record):
    """A rule as a report lists it."""

    code: str
    name: str
    category: str
    severity: str
    summary: str  # first line of "What it does"
    doc: str  # the whole docstring, Markdown

    def __init__(self, code: str, name: str, category: str, severity: str, summary: str, doc: str) -> None:
        self.code = code
        self.name = name
        self.category = category
        self.severity = severity
        self.summary = summary
        self.doc = doc


class Report(Record):
    """What a formatter renders."""

    findings: list[Finding]  # sorted, de-duplicated, suppressions applied
    summary: dict[str, Any]  # files, resources_before, resources_after, errors, warnings, notes
    rules: list[RuleInfo]  # every registered rule, for SARIF's driver
    root: str = "."  # what paths are relative to
    color: bool = False
    version: str = ""
    docs_url: str = ""  # the rules page rule links point into; "" for the project's own

    def __init__(
        self,
        findings: list[Finding],
        summary: dict[str, Any],
        rules: list[RuleInfo] = FRESH,
        root: str = ".",
        color: bool = False,
        version: str = "",
        docs_url: str = "",
    ) -> None:
        self.findings = findings
        self.summary = summary
        self.rules = [] if rules is FRESH else rules
        self.root = root
        self.color = color
        self.version = version
        self.docs_url = docs_url


# name -> module under iaclint.output; imported only when that format is asked for
FORMATTERS: dict[str, str] = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "markdown": "markdown",
    "agent": "agent",
    "dot": "dot",
}

LINKING = ("markdown", "sarif", "github")  # the formats that link to the rules' documentation


def get_formatter(name: str) -> Callable[[Report], str]:
    module = importlib.import_module(f"iaclint.output.{FORMATTERS[name]}")
    return module.render


def rule_infos() -> list[RuleInfo]:
    from iaclint.engine.registry import RULES

    return [RuleInfo(r.code, r.name, r.category.value, r.severity.value, r.summary(), r.doc()) for r in RULES]


def render(result, fmt: str | None, color: bool = False) -> str:
    """A lint result (`iaclint.pipeline.LintResult`) in format `fmt` (default: the configured
    one, else GitHub annotations inside GitHub Actions, else text)."""
    import os

    from iaclint import __version__

    fmt = fmt or result.config.get("format") or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    findings = [_printable(f) for f in result.findings]
    docs_url = result.config.get("docs_url") or os.environ.get("IACLINT_DOCS_URL") or (
        project_docs_url() if fmt in LINKING else "")  # reading the package metadata costs a scan of sys.path
    report = Report(findings, result.summary, rule_infos() if fmt == "sarif" else [], _text(str(result.root)), color,
                    __version__, docs_url)
    return get_formatter(fmt)(report)


@functools.lru_cache(maxsize=1)
def project_docs_url() -> str:
    """The rules page of the installed iaclint: its `Project-URL: Rules` (or the repository's
    docs/rules.md), as declared in pyproject's [project.urls]; else the project's home."""
    from importlib import metadata

    try:
        entries = metadata.metadata("iaclint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        entries = []
    urls = {label.strip().lower(): url.strip() for label, _, url in (e.partition(",") for e in entries)}
    if urls.get("rules"):
        return urls["rules"]
    for label in ("repository", "source", "homepage"):
        if urls.get(label, "").startswith("https://github.com/"):
            return urls[label].rstrip("/") + "/blob/main/docs/rules.md"
    return ""  # the formatters' own default


def _text(value):
    """A file name that is not valid UTF-8 (read as surrogate escapes) shown as `\\xff`:
    every format can carry it, and one odd name never ends the report."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return value


def _printable(f: Finding) -> Finding:
    from iaclint.core.record import replace

    fields = ("path", "message", "help", "resource", "fix")
    if all(_text(getattr(f, k)) is getattr(f, k) for k in fields) and all(_text(r) is r for r in f.resources):
        return f
    return replace(f, **{k: _text(getattr(f, k)) for k in fields}, resources=[_text(r) for r in f.resources])
