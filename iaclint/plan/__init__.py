"""Exact answers from the provider: Terraform/OpenTofu plan JSON and CloudFormation change sets.

`parse_plan` detects the kind by content and turns it into a `PlanResult`: every planned change
(for `diff --plan` to confirm or refute static findings) and the findings the plan itself
proves. Those come from the same rules as a source change (each rule reads the plan's verdicts,
`PlanFacts`, as one more stack diff), with `source = "plan"`.

Plan JSON may hold secrets. Nothing here ever puts an attribute value into a message, except a
boolean protection flag that the plan does not mark sensitive.
"""

from __future__ import annotations

import json

from iaclint.core.facts import PlanFacts
from iaclint.core.model import Finding
from iaclint.errors import PlanError
from iaclint.plan.model import PlannedChange, PlanResult, fmt_path, strip_keys  # noqa: F401  (the plan API)


def read_plan_text(path: str) -> tuple[str, str]:
    """(label, text) of FILE or `-` (standard input)."""
    from iaclint.inputs.trees import read_input

    try:
        data = read_input(path)
    except OSError as exc:
        raise PlanError(f"cannot read {path}: {exc.strerror or exc.__class__.__name__}") from None
    label = path
    try:
        return label, data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanError(f"{label}: not a plan: not UTF-8 text (give `terraform show -json` output, not the binary plan file)") from None


def parse_plan(text: str, label: str, packs, settings: dict | None = None) -> PlanResult:
    """Detect the kind of plan by content and analyze it. Raises PlanError on bad input."""
    settings = settings or {}
    stripped = text.lstrip()
    if not stripped:
        raise PlanError(f"{label}: not a plan: the file is empty")
    if not stripped.startswith("{"):
        raise PlanError(f"{label}: not a plan: expected a JSON object (`terraform show -json plan.out` "
                        f"or `aws cloudformation describe-change-set` output)")
    try:
        doc = json.loads(text)
    except RecursionError:
        raise PlanError(f"{label}: not a plan: the JSON is nested too deeply") from None
    except ValueError as exc:
        msg = getattr(exc, "msg", str(exc))
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        hint = " - truncated?" if "Expecting" in msg and getattr(exc, "pos", 0) >= len(text.rstrip()) - 1 else ""
        raise PlanError(f"{label}: not valid JSON{where}: {msg}{hint}") from None
    if not isinstance(doc, dict):
        raise PlanError(f"{label}: not a plan: the JSON is not an object")
    result = PlanResult("", label, text)
    if "format_version" in doc and ("resource_changes" in doc or "planned_values" in doc or "terraform_version" in doc):
        if "planned_values" not in doc and "resource_changes" not in doc and "values" in doc:
            raise PlanError(f"{label}: this is Terraform state, not a plan (run `terraform show -json plan.out`)")
        from iaclint.languages.terraform.plan import analyze

        result.kind = "terraform"
        result.facts = PlanFacts("terraform", label)
        analyze(doc, result)
        result.findings = _rule_findings(result, packs, settings)
        return result
    if isinstance(doc.get("Changes"), list) and ("ChangeSetId" in doc or "ChangeSetName" in doc or "StackName" in doc
                                                 or all(isinstance(c, dict) and "ResourceChange" in c for c in doc["Changes"])):
        from iaclint.languages.cloudformation.changeset import analyze

        result.kind = "cloudformation"
        result.facts = PlanFacts("cloudformation", label)
        analyze(doc, result)
        result.findings = _rule_findings(result, packs, settings)
        return result
    raise PlanError(f"{label}: not a plan: neither Terraform plan JSON (format_version, resource_changes) "
                    f"nor a CloudFormation change set (Changes)")


def _rule_findings(result: PlanResult, packs, settings: dict) -> list[Finding]:
    """The rules, run over the plan as one stack diff: the same rules as for a source change,
    reading the provider's verdicts (`PlanFacts`) instead of comparing configurations."""
    from iaclint.core.model import StackDiff
    from iaclint.engine.check import Context
    from iaclint.engine.runner import run_checks

    diff = StackDiff(stack=result.label, language=result.kind, changes=[], facts=result.facts)
    return run_checks([diff], Context(packs=packs, settings=settings))


def _load(path: str, cwd, packs, settings) -> PlanResult:
    import os

    full = path if path == "-" or os.path.isabs(path) else os.path.join(str(cwd), path)
    try:
        label, text = read_plan_text(full)
        return parse_plan(text, path if path != "-" else "-", packs, settings)
    except PlanError as exc:
        raise PlanError(str(exc).replace(full, path) if full != path else str(exc)) from None


def with_plan(findings: list[Finding], opts, ctx, analysis, selection, after=None):
    """`diff --plan FILE`: static findings confirmed, refuted (dropped) or completed by the plan.

    Plan findings point at the changed resources of the diff; those the change does not touch
    are looked up in the AFTER directory when it is one on disk (not a git revision).
    """
    import os

    from iaclint.engine.runner import finalize
    from iaclint.inputs.trees import DirTree
    from iaclint.plan.combine import SourceIndex, combine, locate, suppress

    result = _load(opts.plan, opts.cwd or os.getcwd(), ctx.packs, ctx.settings)
    analysis.secrets |= result.secrets  # the static findings may show what the plan calls sensitive
    index = SourceIndex.from_diffs(analysis.diffs)
    if isinstance(after, DirTree) and result.findings and any(index.find(f.resource) is None for f in result.findings):
        extra = SourceIndex.from_dir(after.root, result.kind, result)
        for address, r in extra.resources.items():
            index.resources.setdefault(address, r)
    locate(result.findings, result, index)
    result.findings = [f for f in suppress(result.findings, index) if selection.wants(f)]
    combined, disagreements = combine(findings, result)
    return finalize(combined, selection), disagreements


def report_disagreements(items: list, explain: bool) -> None:
    """The disagreements go to standard error, so that every report format stays parseable."""
    import click

    from iaclint.plan.combine import render_disagreements

    if explain:
        click.echo(render_disagreements(items), err=True)
        return
    refuted = sum(1 for d in items if d.kind == "refuted")
    if refuted:
        click.echo(f"iaclint: the plan refutes {refuted} static finding(s); they are dropped "
                   f"(--explain-disagreements lists them)", err=True)


def plan_findings(opts, cwd, ctx):
    """`iaclint plan FILE|-`: (the findings a plan or change set proves, located in the source
    and with its suppressions applied; the plan; (files, resources before, resources after))."""
    from pathlib import Path

    from iaclint.plan.combine import SourceIndex, locate, suppress

    result = _load(opts.plan, cwd, ctx.packs, ctx.settings)
    source = Path(opts.source) if opts.source else cwd
    if not source.is_absolute():
        source = cwd / source
    prefix = ""
    try:
        rel = source.resolve().relative_to(cwd.resolve()).as_posix()
        prefix = "" if rel == "." else rel + "/"
    except ValueError:
        pass
    index = SourceIndex.from_dir(source, result.kind, result, prefix) if result.findings else SourceIndex()
    locate(result.findings, result, index)
    counts = (
        1,
        sum(1 for c in result.changes if c.action not in ("create", "read")),
        sum(1 for c in result.changes if c.action not in ("delete", "forget", "read")),
    )
    return suppress(result.findings, index), result, counts
