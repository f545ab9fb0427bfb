"""Markdown: a pull-request (or merge-request) comment.

The first line is the verdict, then one table per severity (errors, warnings, notes), then the
same one-line summary as the text format. The comment is kept within GitHub's 65,536-character
comment limit: when it would not fit, whole rows are left out from the end (notes first, since
sections run error → warning → note) and a line says how many.

`build(report, max_bytes)` is the same renderer with another size cap; the github format uses
it for the job summary (1 MiB). `summary_line` and `rule_doc_url` are shared with the other
formatters.
"""

from __future__ import annotations

import re

from iaclint.core.model import DESTRUCTIVE, Category, Finding, Severity
from iaclint.output import Report

DOCS_URL = "https://github.com/iaclint/iaclint/blob/main/docs/rules.md"

# GitHub rejects an issue or PR comment longer than 65,536 characters; bytes are a safe bound.
COMMENT_LIMIT = 65_536

_SECTIONS = ((Severity.ERROR, "Errors"), (Severity.WARNING, "Warnings"), (Severity.NOTE, "Notes"))
_HEADER = "| Resource | Rule | Where | What | How to avoid |\n| --- | --- | --- | --- | --- |\n"
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def render(report: Report) -> str:
    return with_graph(report, COMMENT_LIMIT)


def with_graph(report: Report, max_bytes: int) -> str:
    """`build` with the blast-radius graph (Mermaid) appended when a replacement cascades: the
    comment, and the github format's job summary. The tables give up rows to make room; the
    graph never takes more than half the space."""
    section = _graph_section(report)
    if section and _size(section) + 2 > max_bytes // 2:
        section = ""
    text = build(report, max_bytes - (_size(section) + 2 if section else 0))
    return f"{text}\n\n{section}" if section else text


def _graph_section(report: Report) -> str:
    # only a cascade draws a graph: a change without one never imports the graph code
    if not any(f.rule == "IAC107" for f in report.findings):
        return ""
    from iaclint.output.blast_graph import markdown_section

    return markdown_section(report.findings)


def build(report: Report, max_bytes: int) -> str:
    """The comment, at most `max_bytes` UTF-8 bytes long (rows are dropped to fit)."""
    head = verdict(report.findings) + "\n"
    foot = "\n" + summary_line(report) + "\n"
    out = [head]
    used = _size(head) + _size(foot)
    shown = 0
    full = False
    for severity, title in _SECTIONS:
        group = [f for f in report.findings if f.severity == severity]
        if not group or full:
            continue
        block = f"\n### {title} ({len(group)})\n\n{_HEADER}"
        if used + _size(block) + _TRUNCATION_ROOM > max_bytes:
            full = True
            continue
        out.append(block)
        used += _size(block)
        for finding in group:
            row = _row(finding, report.docs_url)
            if used + _size(row) + _TRUNCATION_ROOM > max_bytes:
                full = True
                break
            out.append(row)
            used += _size(row)
            shown += 1
    left_out = len(report.findings) - shown
    if left_out:
        out.append(
            f"\n_{_plural(left_out, 'more finding')} not shown to stay within the size limit; "
            "run iaclint with `--format text` for the full list._\n"
        )
    out.append(foot)
    text = "".join(out)
    if _size(text) > max_bytes:  # only when the cap is smaller than the verdict itself
        text = text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
    return text.rstrip("\n")


_TRUNCATION_ROOM = 160  # bytes kept free for the "N more findings not shown" line


def verdict(findings: list[Finding]) -> str:
    """The bold first line: how many resources the change will destroy or replace, and, apart,
    how many it may (note level: iaclint cannot tell, the plan can)."""

    def key(f: Finding):
        return (f.path, f.resource or (f.resources[0] if f.resources else id(f)))

    commands = [f for f in findings if f.category is Category.COMMAND]
    if commands:  # a command is judged, not a change: it has no resources of its own
        return f"**iaclint: this command is destructive ({_plural(len(commands), 'finding')})**"
    destructive = [f for f in findings if f.category in DESTRUCTIVE]
    certain = {key(f) for f in destructive if f.severity is not Severity.NOTE}
    maybe = {key(f): f for f in destructive if f.severity is Severity.NOTE and key(f) not in certain}
    if certain or maybe:
        parts = []
        if certain:
            parts.append(f"will destroy or replace {_plural(len(certain), 'resource')}")
        if maybe:
            what = f"{len(maybe)} more" if certain else _plural(len(maybe), "resource")
            names = sorted({f.resource or ", ".join(f.resources) for f in maybe.values()} - {""})
            shown = ", ".join(_code(n) for n in names[:5]) + (" ..." if len(names) > 5 else "")
            parts.append(f"may destroy or replace {what}" + (f" ({shown})" if shown else ""))
        return f"**iaclint: this change {', and '.join(parts)}**"
    if findings:
        return (
            "**iaclint: no resource found to be destroyed or replaced; "
            f"{_plural(len(findings), 'finding')} to review**"
        )
    return "**iaclint: no destructive changes found**"


def summary_line(report: Report) -> str:
    """`iaclint: 2 errors, 1 warning, 0 notes in 3 files` (the text format's last line)."""
    s = report.summary
    counts = []
    for key, word, severity in (
        ("errors", "error", Severity.ERROR),
        ("warnings", "warning", Severity.WARNING),
        ("notes", "note", Severity.NOTE),
    ):
        n = s.get(key)
        if n is None:
            n = sum(1 for f in report.findings if f.severity == severity)
        counts.append(_plural(n, word))
    if "commands" in s:  # `check-command`: programs judged, not files read
        return f"iaclint: {', '.join(counts)} in {_plural(s['commands'], 'command')}"
    return f"iaclint: {', '.join(counts)} in {_plural(s.get('files', 0), 'file')}"


def rule_doc_url(code: str, name: str, docs_url: str = "") -> str:
    """Link to the rule's heading `CODE name` in docs/rules.md (GitHub's heading anchor), in
    the rules page at `docs_url` (see `iaclint.output.docs_url`)."""
    anchor = re.sub(r"[^\w\- ]", "", f"{code} {name}".strip().lower()).replace(" ", "-")
    return f"{(docs_url or DOCS_URL).split('#')[0]}#{anchor}"


def _row(f: Finding, docs_url: str = "") -> str:
    # a rename lists [old, new] in `resources`: show "old → new"
    addresses = list(dict.fromkeys(a for a in (f.resources or [f.resource]) if a))
    if f.resource and f.resource not in addresses:
        addresses.insert(0, f.resource)
    resource = " → ".join(_code(a) for a in addresses) or "—"
    rule = f"[{_cell(f.rule + ' ' + f.name)}]({rule_doc_url(f.rule, f.name, docs_url)})"
    where = _code(f"{f.path}:{f.line}" if f.line > 0 else f.path)
    return f"| {resource} | {rule} | {where} | {_cell(f.message)} | {_cell(f.help)} |\n"


def _cell(text: str) -> str:
    """Make text safe inside one table cell; `code spans` are kept, as messages use them."""
    out = []
    pos = 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_plain(text[pos : m.start()]))
        out.append(_code(m.group(2)))
        pos = m.end()
    out.append(_plain(text[pos:]))
    return "".join(out).strip()


def _plain(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\n", "<br>")


def _code(text: str) -> str:
    """A code span that survives any content: `|` escaped for the table, no line breaks."""
    text = re.sub(r"\s*[\r\n]+\s*", " ", text).replace("|", "\\|")
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))
