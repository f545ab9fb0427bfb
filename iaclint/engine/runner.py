"""Runs every selected rule over every stack diff; applies suppressions and configuration.

The runner never prints. It returns the final, sorted, de-duplicated findings.
"""

from __future__ import annotations

from iaclint.core.facts import TerraformFacts
from iaclint.core.model import Finding, Severity, StackDiff
from iaclint.core.record import FRESH, Record
from iaclint.engine.check import Check, Context
from iaclint.engine.registry import rule_class, rules_reading
from iaclint.engine.suppressions import Suppression, from_metadata, parse_comment


class Selection(Record):
    """Which findings a run keeps (select, ignore) and at what severity."""

    select: list[str]  # codes, names or categories; empty = all
    ignore: list[str]
    severities: dict[str, str]  # code or name -> severity

    def __init__(
        self,
        select: list[str] = FRESH,
        ignore: list[str] = FRESH,
        severities: dict[str, str] = FRESH,
    ) -> None:
        self.select = [] if select is FRESH else select
        self.ignore = [] if ignore is FRESH else ignore
        self.severities = {} if severities is FRESH else severities

    def wants(self, f: Finding) -> bool:
        keys = {f.rule.lower(), f.name.lower(), f.category.value.lower()}
        if self.select and not keys & {s.lower() for s in self.select}:
            return False
        return not keys & {s.lower() for s in self.ignore}


def run_checks(
    diffs: list[StackDiff], ctx: Context, rules: list[type[Check]] | None = None, checked: dict[int, list[Finding]] | None = None
) -> list[Finding]:
    """`rules`: by default every rule that reads what `diffs` hold (a source change's diffs never
    reach the command rules or the plan-only drift rule, which would find nothing in them).
    `checked`: index -> the findings of stacks already checked where they were read, by
    `stack_checker(ctx)` (only with the default rules). Many stacks are checked in worker
    processes, each stack whole in one of them: the findings are the same, in the same order."""
    found = dict(checked or {})
    if rules is None:
        # the stacks checked already are not asked what they hold: their reads may be loaded
        # only when something asks for them (`Loaded.checked`)
        rules = rules_reading(*_reads([d for i, d in enumerate(diffs) if i not in found]))
    elif found:
        raise ValueError("stacks checked beforehand were checked with the default rules")
    found.update(_in_workers(diffs, ctx, rules, skip=found))
    findings: list[Finding] = []
    for i, diff in enumerate(diffs):
        mine = found.get(i)
        findings.extend(mine if mine is not None else _check(diff, ctx, rules))
    return findings


def stack_checker(ctx: Context):
    """Every rule a source change's stack diffs reach, over one of them: what `run_checks` does
    to each, for a loader to do where it builds them (`LoadContext.check`). A stack diff of a
    source change holds changes only (no plan, no commands), so its rules are those."""
    rules = rules_reading("changes")
    return lambda diff: _check(diff, ctx, rules)


def _check(diff: StackDiff, ctx: Context, rules: list[type[Check]]) -> list[Finding]:
    """Every rule over one stack diff, its suppressions applied."""
    stack_findings: list[Finding] = []
    ctx.replaced = {}
    ctx.cascaded = {}
    packs = ctx.packs
    try:
        # a Terraform root module's facts are those of the provider versions it runs
        if isinstance(diff.facts, TerraformFacts) and diff.facts.provider_versions:
            ctx.packs = packs.at({p: (low, high) for p, (low, _, high) in diff.facts.provider_versions.items()})
        for rule in rules:
            for f in rule().run(diff, ctx):
                stack_findings.append(f)
                known = ctx.replaced.get(f.replaces) if f.replaces is not None else None
                if f.replaces is not None and (known is None or known.severity.rank < f.severity.rank):
                    ctx.replaced[f.replaces] = f
    finally:
        ctx.packs = packs
    return apply_suppressions(diff, stack_findings)


# Below these, starting worker processes costs more than the rules (measured on 2 cores: a
# fork pool ~15-30 ms; the rules ~0.3 ms a change, more where a message reads a template again)
MIN_STACKS = 8
MIN_CHANGES = 256


def _in_workers(diffs: list[StackDiff], ctx: Context, rules: list[type[Check]], skip=()) -> dict[int, list[Finding]]:
    """index -> findings of the stacks checked in worker processes (none below the threshold,
    or where workers are not used); a stack missing from the answer is checked here. The
    stacks in `skip` are checked already."""
    todo = [i for i in range(len(diffs)) if i not in skip]
    changes = {i: len(diffs[i].changes) for i in todo}
    if len(todo) < MIN_STACKS or sum(changes.values()) < MIN_CHANGES:
        return {}
    from iaclint.cache import workers

    n = workers.count(len(todo), workers.MIN_BYTES)
    if n <= 1:
        return {}
    from _pickle import loads  # our own child's answer, like its parse results: never from disk

    order = sorted(todo, key=lambda i: -changes[i])
    out: dict[int, list[Finding]] = {}
    for i, data in workers.run(lambda diff: _check(diff, ctx, rules), diffs, n, order).items():
        try:
            out[i] = loads(data)
        except Exception:  # noqa: BLE001 - checked here instead
            pass
    return out


def _reads(diffs: list[StackDiff]) -> list[str]:
    """What the stack diffs hold, as the registry's kinds of input (see `engine.registry`)."""
    from iaclint.core.facts import CommandFacts, PlanFacts

    reads = ["changes"]
    if any(isinstance(d.facts, PlanFacts) for d in diffs):
        reads.append("plan")
    if any(isinstance(d.facts, CommandFacts) for d in diffs):
        reads.append("commands")
    return reads


def _collect(diff: StackDiff) -> tuple[list[Suppression], list[Finding]]:
    sups: list[Suppression] = []
    seen: set[tuple[str, int]] = set()
    for change in diff.changes:
        for r in (change.before, change.after):
            if r is None:
                continue
            for pos, text in r.comments:
                s = parse_comment(text, r.path, pos)
                if s is None:
                    continue
                key = (r.path, pos.line)
                existing = next((x for x in sups if (x.path, x.pos.line) == key), None)
                if existing is not None:
                    existing.resources.add(r.address)
                    continue
                s.resources.add(r.address)
                # a comment only on the BEFORE side must not be reported as unused later
                if r is change.before and change.after is not None:
                    s.used = True if key in seen else s.used
                sups.append(s)
                seen.add(key)
            sups.extend(from_metadata(r.meta.get("allow"), r.path, r.pos, r.address))
    for path, pos, text in diff.stack_comments:
        s = parse_comment(text, path, pos)
        if s is not None and s.address and not any((x.path, x.pos.line) == (path, pos.line) for x in sups):
            sups.append(s)
    problems = []
    valid = []
    for s in sups:
        if not s.reason or not s.targets:
            problems.append(_at_suppression("IAC003", s, "`iaclint: allow` needs a rule and a reason (`-- why`); it suppresses nothing",
                                            "write `# iaclint: allow <code|name|category> -- <reason>`"))
        else:
            valid.append(s)
    return valid, problems


def _at_suppression(code: str, s: Suppression, message: str, help: str) -> Finding:
    """A finding about a suppression comment itself, with the rule's own identity and severity."""
    rule = rule_class(code)
    return Finding(
        rule=rule.code, name=rule.name, category=rule.category, severity=rule.severity,
        path=s.path, line=s.pos.line, column=s.pos.column, end_line=s.pos.line, message=message, help=help,
    )


def apply_suppressions(diff: StackDiff, findings: list[Finding]) -> list[Finding]:
    sups, problems = _collect(diff)
    kept: list[Finding] = []
    for f in findings:
        suppressed = False
        for s in sups:
            applies = (s.address and s.address in (f.resources or [f.resource])) or (
                not s.address and (f.resource in s.resources or set(f.resources) & s.resources)
            )
            if applies and s.matches(f):
                s.used = True
                suppressed = True
        if not suppressed:
            kept.append(f)
    for s in sups:
        if s.used:
            continue
        if s.path not in diff.changed_files:
            continue
        kept.append(_at_suppression("IAC004", s, f"`iaclint: allow {' '.join(s.targets)}` suppresses nothing in this change",
                                    "remove it once the change it allowed has been applied"))
    return kept + problems


def finalize(findings: list[Finding], selection: Selection) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple] = set()
    for f in findings:
        override = selection.severities.get(f.rule) or selection.severities.get(f.name)
        if override:
            f.severity = Severity(override)
        if not selection.wants(f):
            continue
        key = f.identity()
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    out.sort(key=lambda f: (f.path, f.line, f.column, f.rule, f.resource))
    return out
