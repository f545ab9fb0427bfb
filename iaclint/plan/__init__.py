"""Exact answers from the provider: Terraform/OpenTofu plan JSON and CloudFormation change sets.

`load_plan` detects the kind by content and turns it into a `PlanResult`: every planned change
(for `diff --plan` to confirm or refute static findings) and the findings the plan itself
proves, under the same rule codes as the static path, with `source = "plan"`.

Plan JSON may hold secrets. Nothing here ever puts an attribute value into a message, except a
boolean protection flag that the plan does not mark sensitive.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from iaclint.core.model import Finding


from iaclint.errors import PlanError  # noqa: F401


@dataclass
class PlannedChange:
    address: str  # as the plan writes it: aws_s3_bucket.logs["a"], or a logical ID
    key: str  # for matching with static addresses: instance keys stripped
    type: str
    action: str  # replace | delete | update | no-op | create | forget | read | import | dynamic
    destroys: bool | None  # True: destroyed or replaced; False: stays; None: the plan cannot say
    previous: str | None = None  # normalized previous_address (a move)
    reason: str | None = None


@dataclass
class PlanResult:
    kind: str  # terraform | cloudformation
    label: str  # the plan file as given ("-" for stdin)
    text: str
    changes: list[PlannedChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def by_key(self) -> dict[str, list[PlannedChange]]:
        out: dict[str, list[PlannedChange]] = {}
        for c in self.changes:
            out.setdefault(c.key, []).append(c)
            if c.previous and c.previous != c.key:
                out.setdefault(c.previous, []).append(c)
        return out


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
        analyze(doc, result, packs, settings)
        return result
    if isinstance(doc.get("Changes"), list) and ("ChangeSetId" in doc or "ChangeSetName" in doc or "StackName" in doc
                                                 or all(isinstance(c, dict) and "ResourceChange" in c for c in doc["Changes"])):
        from iaclint.languages.cloudformation.changeset import analyze

        result.kind = "cloudformation"
        analyze(doc, result, packs, settings)
        return result
    raise PlanError(f"{label}: not a plan: neither Terraform plan JSON (format_version, resource_changes) "
                    f"nor a CloudFormation change set (Changes)")


def strip_keys(address: str) -> str:
    """`module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b` (quotes respected)."""
    if "[" not in address:
        return address
    out = []
    depth = 0
    quote = False
    escape = False
    for ch in address:
        if depth:
            if quote:
                if escape:
                    escape = False
                elif ch == "\\":
                    escape = True
                elif ch == '"':
                    quote = False
            elif ch == '"':
                quote = True
            elif ch == "]":
                depth -= 1
            continue
        if ch == "[":
            depth = 1
            continue
        out.append(ch)
    return "".join(out)


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def fmt_path(steps) -> str:
    """A replace_paths entry (["ebs_block_device", 0, "volume_size"]) → `ebs_block_device[0].volume_size`."""
    if not isinstance(steps, list):
        return str(steps)
    out = ""
    for s in steps:
        if isinstance(s, int) and not isinstance(s, bool):
            out += f"[{s}]"
        elif isinstance(s, str) and _IDENT.match(s):
            out += ("." if out else "") + s
        else:
            out += "[" + json.dumps(s) + "]"
    return out


def plan_finding(code: str, result: PlanResult, address: str, message: str, help: str = "", *,
                 severity=None, resources: list[str] | None = None, extra: dict | None = None) -> Finding:
    """A finding the plan proves, under a registered rule; located later (see `locate`)."""
    from iaclint.engine.registry import BY_CODE

    rule = BY_CODE[code]
    return Finding(
        rule=rule.code,
        name=rule.name,
        category=rule.category,
        severity=severity or rule.severity,
        path=result.label,
        line=1,
        message=message,
        help=help,
        resource=address,
        resources=resources or [address],
        source="plan",
        extra=extra or {},
    )


def protection_verdicts(packs, rtype: str, before, after, before_sensitive, after_sensitive, after_unknown):
    """Deletion guards (IAC201's facts) that the change turns off, and force-destroy switches
    (IAC203's facts) that it turns on.

    Yields (code, key, state, shown) where state is "off" | "unknown" and `shown` is a
    "true → false" text only for non-sensitive booleans, else "".
    """
    from iaclint.checks.common import MISSING, get_path
    from iaclint.checks.common import NEGATIVE, NON_EMPTY, protective

    grouped: dict[str, list[str]] = {}
    for fact in packs.protection(rtype):
        want = fact.value
        if want == NON_EMPTY or "[" in fact.key or want.startswith("larger"):
            continue
        grouped.setdefault(fact.key, []).append(want)
    for key, wants in grouped.items():
        bv, av = get_path(before or {}, key), get_path(after or {}, key)
        secret = _flag(before_sensitive, key) or _flag(after_sensitive, key)
        unknown = _flag(after_unknown, key)
        shown = ""
        if not secret and isinstance(bv, bool) and (isinstance(av, bool) or av is MISSING or av is None):
            shown = f"{str(bv).lower()} → {'unset' if not isinstance(av, bool) else str(av).lower()}"
        if set(wants) <= NEGATIVE:  # force_destroy-style: dangerous when turned on
            if bv is not True and av is True:
                yield "IAC203", key, "off", shown
            elif bv is not True and unknown:
                yield "IAC203", key, "unknown", ""
            continue
        wants = [w for w in wants if w not in NEGATIVE]
        if not any(protective(bv, w) is True for w in wants):
            continue
        if unknown:
            yield "IAC201", key, "unknown", ""
        elif not any(protective(av, w) is True for w in wants):
            yield "IAC201", key, "off", shown


def guard_on(packs, rtype: str, before, before_sensitive) -> list[str]:
    """Deletion guards that are on in `before` (and are not secrets): the apply will stop on them."""
    from iaclint.checks.common import get_path
    from iaclint.checks.common import NEGATIVE, NON_EMPTY, protective

    out = []
    for fact in packs.protection(rtype):
        if fact.value in NEGATIVE or fact.value == NON_EMPTY or "[" in fact.key or fact.value.startswith("larger"):
            continue
        if fact.key not in out and not _flag(before_sensitive, fact.key) and protective(get_path(before or {}, fact.key), fact.value) is True:
            out.append(fact.key)
    return out


def _flag(mask, key: str) -> bool:
    """Whether a sensitive/unknown mask marks `key` (or the whole object) true."""
    if mask is True:
        return True
    value = mask
    for part in key.split("."):
        if isinstance(value, list):
            value = value[0] if value else None
        if value is True:
            return True
        if not isinstance(value, dict):
            return False
        value = value.get(part)
    return _any_true(value)


def _any_true(value) -> bool:
    if value is True:
        return True
    if isinstance(value, dict):
        return any(_any_true(v) for v in value.values())
    if isinstance(value, list):
        return any(_any_true(v) for v in value)
    return False


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
