"""From a lint result to what the user sees: the report on standard output (or a file) and an exit code."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from iaclint.errors import InputError


def run(opts) -> int:
    """`diff` and `plan`: lint, render, write, and the exit code CI acts on."""
    from iaclint.output import render
    from iaclint.pipeline import exit_code, lint

    result = lint(opts)
    emit(render(result, opts.fmt, opts.color), opts.output)
    if opts.debug:
        debug_versions(result.analysis)
        debug_sources(result.findings)
    if opts.plan and not opts.plan_only:
        from iaclint.plan import report_disagreements

        report_disagreements(result.disagreements, opts.explain_disagreements)
    return exit_code(result.findings, opts.fail_on or result.config.get("fail_on", "warning"))


def debug_sources(findings) -> None:
    """--debug: where each verdict comes from (the packs' source of every fact a finding names)."""
    for f in findings:
        for key, source in (f.extra.get("sources") or {}).items():
            print(f"iaclint: debug: {f.rule} {f.resource} `{key}`: {source or 'a user pack'}", file=sys.stderr)


def debug_versions(analysis) -> None:
    """--debug: per Terraform root module, the version of each provider whose facts judged it, and why."""
    from iaclint.core.facts import TerraformFacts
    from iaclint.knowledge.packs import newest_version
    from iaclint.knowledge.versions import show

    for diff in getattr(analysis, "diffs", None) or []:
        if not isinstance(diff.facts, TerraformFacts):
            continue
        for provider, (version, why, *_) in sorted(diff.facts.provider_versions.items()):
            if version is None:
                newest = newest_version(provider)
                why = f"{newest}, {why}" if newest else f"{why} (its facts are not versioned)"
            print(f"iaclint: debug: {diff.stack or '.'}: provider {provider} {why}", file=sys.stderr)


def emit(text: str, output: str | None) -> None:
    if output:
        try:
            Path(output).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror or exc.__class__.__name__}") from None
        return
    data = (text + "\n").encode("utf-8", "replace")
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except AttributeError:  # a text-only stream (some test runners)
        sys.stdout.write(text + "\n")
    except BrokenPipeError:  # `iaclint diff ... | head`: the reader left; the exit code still counts
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
