"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per finding.

GitHub shows at most 10 annotations of each type per step and drops the rest silently, so
findings go out most severe first, at most 10 per level, and one last `::notice` says how many
were not annotated. When anything is cut, notes get 9 slots so that this last notice is itself
among the 10 notices shown. A plain summary line (the text format's) ends the output.

Side effect: when the environment variable GITHUB_STEP_SUMMARY names a file, `render` appends
the markdown report to it (the job summary), cut to fit GitHub's 1 MiB per-step limit,
counting what the step already wrote there. If that file cannot be written, a plain line says
so; the annotations are still returned. `render` returns only what belongs on stdout.
"""

from __future__ import annotations

import os

from iaclint.core.model import Finding, Severity
from iaclint.output import Report
from iaclint.output import markdown

PER_LEVEL = 10  # annotations of one type GitHub shows per step
SUMMARY_LIMIT = 1_048_576  # bytes GitHub accepts in one step's summary file

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def render(report: Report) -> str:
    lines = annotations(report.findings)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        problem = write_step_summary(report, summary_file)
        if problem:
            lines.append(f"iaclint: job summary not written: {problem}")
    lines.append(markdown.summary_line(report))
    return "\n".join(lines)


def annotations(findings: list[Finding]) -> list[str]:
    ordered = sorted(findings, key=lambda f: -f.severity.rank)  # stable: keeps report order
    by_level = {s: [f for f in ordered if f.severity == s] for s in _COMMAND}
    cut_without_notes = sum(max(len(by_level[s]) - PER_LEVEL, 0) for s in (Severity.ERROR, Severity.WARNING))
    notes = len(by_level[Severity.NOTE])
    note_slots = PER_LEVEL if cut_without_notes == 0 and notes <= PER_LEVEL else PER_LEVEL - 1
    lines = []
    cut = 0
    for severity, group in by_level.items():
        slots = note_slots if severity == Severity.NOTE else PER_LEVEL
        lines.extend(_command(f) for f in group[:slots])
        cut += max(len(group) - slots, 0)
    if cut:
        more = f"{cut} more finding" + ("" if cut == 1 else "s")
        lines.append(
            f"::notice::iaclint: {more} not annotated; see the job summary or run with --format text"
        )
    return lines


def write_step_summary(report: Report, path: str) -> str | None:
    """Append the markdown report to `path`; return why not, or None when written."""
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    budget = SUMMARY_LIMIT - used - 2  # the blank line that separates it from earlier content
    if budget < 1024:
        return "the step summary is already near GitHub's 1 MiB limit"
    text = markdown.with_graph(report, budget) + "\n"
    if used:
        text = "\n" + text
    try:
        with open(path, "a", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"
    return None


def _command(f: Finding) -> str:
    path = f.path.replace("\\", "/")
    props = [f"file={_property(path)}"]
    if f.line > 0:
        props.append(f"line={f.line}")
        if f.end_line is not None and f.end_line >= f.line:
            props.append(f"endLine={f.end_line}")
        props.append(f"col={max(f.column, 1)}")
    props.append(f"title={_property(f'{f.rule} {f.name}')}")
    text = f"{f.message}\n{f.help}" if f.help else f.message
    return f"::{_COMMAND[f.severity]} {','.join(props)}::{_data(text)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
