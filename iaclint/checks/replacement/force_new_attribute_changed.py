from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import (MISSING, certainly_changed, get_path, ignored, leaf_changes, per_instance,
                                   severity_for, shown_value, unset_verdict, what_holds)
from iaclint.engine.check import Check, Context
from iaclint.core.model import Category, ChangeKind, Finding, Severity, StackDiff
from iaclint.core.facts import PlanFacts
from iaclint.checks.planned import KEEPS_OLD, REPLACE_REASONS, planned


class ForceNewAttributeChanged(Check):
    """## What it does
    Flags a change to an attribute (or CloudFormation property) that the provider cannot update
    in place, so the resource is destroyed and created again. Values are evaluated as Terraform
    evaluates them, and resources with `count`/`for_each` instance by instance (an instance a
    `moved` block carries to a new key against the one it moved from: a move keeps the object,
    not its arguments, so `name = "q-${count.index}"` becoming `"q-${each.key}"` still replaces
    it). When a value
    cannot be known (a variable without a value, an argument set where it was unset and the
    provider may compute it), the finding is a note: the resource *may* be replaced. Where the
    provider's schema facts say what "unset" means, an argument set where it was unset (or the
    reverse) is judged by them: unset is the schema default (`rsa_bits = 2048` written out is no
    change, `special = false` on a `random_password` is one), an Optional argument without a
    default is null (any value is a change), and a removed Optional+Computed argument keeps the
    value in the state (no change). In a CloudFormation template, the stack's parameter values
    decide two more cases, which are notes too: a value written differently that resolves to the
    same string with the parameters' defaults (a parameter renamed, same default), and a value
    that becomes an `Fn::If` one of whose branches keeps the old value (or `AWS::NoValue`, where
    it was unset). `Fn::Ref` is read as `Ref`.

    ## Why is this bad?
    A replacement looks like an innocent edit in the diff. For a database, a bucket or a volume
    it deletes the data; for anything else it changes identifiers (ARNs, IDs, addresses) that
    other resources and people depend on, and causes downtime between destroy and create.

    ## Example
    ```hcl
    resource "aws_db_instance" "main" {
      engine = "mysql"   # was "postgres": forces a new database
    }
    ```

    ## Use instead
    Keep the old value. If the change is intended, create the new resource beside the old one,
    migrate, then remove the old one in a separate change; for stateless resources consider
    `lifecycle { create_before_destroy = true }`. Facts come from the provider source
    (Terraform) or, for CloudFormation, from two sources: the resource provider schemas'
    `createOnlyProperties` (cfn-lint) and `@aws-cdk/aws-service-spec`'s `causesReplacement`.
    Where they disagree, a reviewed table decides (`rules/cloudformation/disagreements.tsv`): a
    property only the service spec marks is reported as *may* replace, at note level. A SAM
    (`AWS::Serverless::*`) property is judged by what the SAM transform generates from it
    (`FunctionName` replaces the generated function, `Timeout` does not). `iaclint explain
    AWS::RDS::DBInstance.Port` and `--debug` show the source of each verdict.
    """

    code = "IAC101"
    name = "force-new-attribute-changed"
    category = Category.REPLACEMENT
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        if isinstance(diff.facts, PlanFacts):
            yield from self._planned(diff.facts, ctx)
            return
        for change in diff.changes:
            if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED) or not change.changed_paths:
                continue  # (a change in what count.index or each selects changes `count`/`for_each` or a value)
            after = change.after
            facts = ctx.packs.force_new_keys(after.type)
            if after.language in ("cloudformation", "terraform"):
                yield from self._may_replace(change, ctx, facts)
            if not facts:
                continue
            judge = _judge(ctx, after)
            per = _instance_hits(change.before, after, [f for f in sorted(facts) if not ignored(after, f)], diff.moves, judge)
            if per is not None:  # judged instance by instance, as Terraform expands them
                if per:
                    yield self._instances_finding(ctx, change, per)
                continue
            hits = [p for p in change.changed_paths
                    if p in facts and not ignored(after, p) and not per_instance(change.before, after, p)]
            if not hits:
                continue
            hits = _outermost(hits)
            # the schema facts settle set <-> unset: the default, or the value an Optional+Computed argument keeps
            verdict = {h: _kept(judge(h, get_path(change.before.body, h), get_path(after.body, h)), h, change.changed_paths)
                       for h in hits}
            hits = [h for h in hits if verdict[h] != "same"]
            if not hits:
                continue
            certain = [h for h in hits if verdict[h] == "changed" or not _zero_for_unset(change.before.body, after.body, h)]
            if not certain:
                # only "unset <-> false / empty": most likely the provider default, so probably no change
                shown = ", ".join(f"`{h}`" for h in hits)
                yield self.finding(
                    after,
                    f"{after.address}: {shown} set to an empty or false value where it was unset (or the reverse); "
                    f"if that is not the provider's default, it forces replacement{what_holds(ctx, after)}",
                    help="check the provider default, or the plan; leave the attribute out to keep the default",
                    severity=Severity.NOTE,
                    pos=after.pos_of(hits[0]),
                    extra={"attributes": hits},
                )
                continue
            known = [h for h in certain if verdict[h] == "changed" or verdict[h] != "maybe" and any(
                certainly_changed(get_path(change.before.body, p), get_path(after.body, p))
                for p in leaf_changes(change.changed_paths, h)) and not _set_or_unset(change.before, after, h)
                and not _resolves_the_same(change.before, after, h) and not _condition_may_keep(change.before, after, h)]
            if not known:
                # the values hold what iaclint cannot evaluate: it may or may not change
                first = certain[0]
                before_v, after_v = get_path(change.before.body, first), get_path(after.body, first)
                shown = ", ".join(f"`{h}`" for h in certain)
                detail = f" ({_change(change, first, before_v, after_v)})" if len(certain) == 1 else ""
                if _condition_may_keep(change.before, after, first):
                    why = ("depends on a condition (`Fn::If`) one of whose branches keeps the value it had (or leaves it "
                           "unset, `AWS::NoValue`): the resource is replaced only if the condition picks another branch")
                    advice = "check which branch the stack's conditions pick, or the change set for `Replacement: True`"
                elif _resolves_the_same(change.before, after, first):
                    why = ("is written differently but resolves to the same value with the parameters' defaults "
                           "(a parameter renamed, say): the resource is replaced only if the stack was deployed "
                           "with a parameter value other than its default")
                    advice = ("check the change set for `Replacement: True`, or the stack's parameter values; keep the "
                              "old parameter's name to be sure")
                elif verdict[first] == "maybe" and isinstance(before_v if after_v is MISSING else after_v, (list, dict)):
                    why = ("is a block written with the schema's default for each of its arguments, where there was none: "
                           "if the provider already holds these values in its state, nothing changes; if it holds no "
                           "block, the resource is replaced")
                    advice = "check the plan for `forces replacement`"
                elif _set_or_unset(change.before, after, first) or verdict[first] == "maybe":
                    why = ("set where it was unset, or the reverse: if the provider computes it when unset, the resource "
                           "is replaced only if the value differs from the one the provider chose")
                    advice = "check the plan for `forces replacement`, or compare with the value in the state"
                else:
                    why = ("is computed from values iaclint cannot evaluate; if its value changes, the resource is "
                           "destroyed and re-created")
                    advice = ("check the plan for `forces replacement`; give the inputs literal values or defaults so "
                              "iaclint can evaluate them")
                yield self.finding(
                    after,
                    f"{after.address}: {shown}{detail} {why}{what_holds(ctx, after)}",
                    help=advice,
                    severity=Severity.NOTE,
                    pos=after.pos_of(first),
                    extra={"attributes": certain},
                    replaces=after.address,
                )
                continue
            hits = known
            first = hits[0]
            before_v = get_path(change.before.body, first)
            after_v = get_path(after.body, first)
            names = ", ".join(f"`{h}`" for h in hits)
            detail = f" ({_change(change, first, before_v, after_v, _default_of(ctx, after, first))})" if len(hits) == 1 else ""
            noun = "property" if after.language == "cloudformation" else "attribute"
            extra: dict = {"attributes": hits}
            if after.language == "cloudformation" or _versioned(ctx, after.type, hits):
                extra["sources"] = _sources(ctx, after.type, hits)
            elif any(verdict[h] == "changed" for h in hits):  # judged by the schema facts: say which (--debug)
                extra["sources"] = _schema_sources(ctx, after.type, hits, verdict)
            yield self.finding(
                after,
                f"{after.address}: changing {names}{detail} forces replacement: the {noun} cannot be "
                f"updated in place, so the resource is destroyed and re-created{what_holds(ctx, after)}",
                help=_help(after.language, hits),
                severity=severity_for(ctx, after),
                pos=after.pos_of(first),
                extra=extra,
                replaces=after.address,
            )

    def _may_replace(self, change, ctx: Context, always: frozenset[str]) -> Iterator[Finding]:
        """CloudFormation properties only one of the two sources says replace, decided "may
        replace" (rules/cloudformation/disagreements.tsv), and Terraform arguments that replace in
        some of the provider releases the module may run only (no lock file pins one): a note
        that says why."""
        after = change.after
        maybe = ctx.packs.may_replace_keys(after.type) - always
        if not maybe:
            return
        hits = _outermost([p for p in change.changed_paths if p in maybe and not ignored(after, p)])
        hits = [h for h in hits if not _zero_for_unset(change.before.body, after.body, h)]
        if not hits:
            return
        first = hits[0]
        names = ", ".join(f"`{h}`" for h in hits)
        detail = (f" ({_change(change, first, get_path(change.before.body, first), get_path(after.body, first))})"
                  if len(hits) == 1 else "")
        sources = _sources(ctx, after.type, hits)
        yield self.finding(
            after,
            f"{after.address}: changing {names}{detail} may force replacement: {sources[first]}{what_holds(ctx, after)}",
            help=("run `terraform plan` with the provider release you will apply; commit `.terraform.lock.hcl` to "
                  "pin it, and iaclint judges by that release" if after.language == "terraform" else
                  "check the change set (`Replacement: True`) before deploying; "
                  "`iaclint explain " + f"{after.type}.{first}` shows both sources"),
            severity=Severity.NOTE,
            pos=after.pos_of(first),
            extra={"attributes": hits, "sources": sources},
            replaces=after.address,
        )

    def _instances_finding(self, ctx: Context, change, per: dict[str, tuple[str, list[str]]]) -> Finding:
        after = change.after
        keys = list(per)
        attrs = sorted({h for _, hs in per.values() for h in hs})
        first_key = keys[0]
        was_key, (first, *_) = per[first_key]
        b_v = get_path(change.before.meta["instances"][was_key], first)
        a_v = get_path(after.meta["instances"][first_key], first)
        moved = f" (moved from {change.before.address}{was_key})" if was_key != first_key else ""
        detail = f" ({after.address}{first_key}{moved}: {_change(change, first, b_v, a_v)})"
        names = ", ".join(f"`{h}`" for h in attrs)
        return self.finding(
            after,
            f"{after.address}: changing {names} forces replacement of {len(keys)} instance(s), "
            f"{_fmt_instances([after.address + k for k in keys])}{detail}{what_holds(ctx, after)}",
            help=_help(after.language, attrs),
            severity=severity_for(ctx, after),
            pos=after.pos_of(first),
            extra={"attributes": attrs, "instances": keys},
            replaces=after.address,
        )

    def _planned(self, facts: PlanFacts, ctx: Context) -> Iterator[Finding]:
        """What the plan replaces, with the attributes it names (its `replace_paths`) or why."""
        for p in facts.of("replace"):
            fact = ctx.packs.stateful(p.type)
            paths = p.replace_paths
            if facts.kind == "cloudformation":
                why = ("changing " + ", ".join(f"`{n}`" for n in paths) + " requires a new resource") if paths \
                    else "CloudFormation cannot update it in place"
                severity = None
                tail = f"; its data ({fact.value}) is deleted with the old one" if fact is not None else ""
                if p.policy in KEEPS_OLD and fact is not None:
                    tail = f"; UpdateReplacePolicy keeps the old one ({KEEPS_OLD[p.policy]}), the new one starts empty"
                    severity = Severity.WARNING
                yield planned(self, facts, p.address, f"the change set replaces {p.address} ({p.type}): {why}{tail}",
                              help="revert the property that forces the replacement, or migrate the data deliberately",
                              severity=severity, extra={"replace_paths": paths, "policy_action": p.policy, "attr": p.attr})
                continue
            if p.reason in ("replace_because_tainted", "replace_by_request"):
                why = REPLACE_REASONS[p.reason]
                severity = Severity.ERROR if fact is not None else Severity.WARNING
            elif paths:
                why = "changing " + ", ".join(f"`{x}`" for x in paths) + " forces a new resource"
                severity = None
            else:
                why = REPLACE_REASONS["replace_because_cannot_update"]
                severity = None
            order = ", creating the new one first" if p.create_first else ""
            data = f"; its data ({fact.value}) is lost with the old one" if fact is not None else ""
            yield planned(self, facts, p.address, f"the plan replaces {p.address} ({p.type}){order}: {why}{data}",
                          help="revert the attribute(s) that force the replacement, or back up and migrate deliberately"
                          if paths else "make sure the replacement is intended; back up the data first",
                          severity=severity, extra={"replace_paths": paths, "action_reason": p.reason, "attr": p.attr})


def _sources(ctx: Context, resource_type: str, keys: list[str]) -> dict[str, str]:
    """Where each verdict comes from, as the packs say it (shown in JSON and `iaclint explain`)."""
    by_key: dict[str, str] = {}
    for f in ctx.packs.replacement(resource_type):
        if f.key in by_key and f.value not in ("force_new", "create_only"):
            continue  # a conditional fact beside the one that always replaces: the verdict is the latter's
        by_key[f.key] = f.source + (f" (holds in {resource_type.split('_', 1)[0]} provider versions {f.versions})"
                                    if f.versions else "")
    return {k: by_key.get(k, "") for k in keys}


def _versioned(ctx: Context, resource_type: str, keys: list[str]) -> bool:
    """A Terraform fact that holds in some provider versions only: its finding names its source
    and range (the version the module runs is in `--debug`)."""
    return any(f.versions and f.key in keys for f in ctx.packs.replacement(resource_type))


def _schema_sources(ctx: Context, resource_type: str, keys: list[str], verdict: dict) -> dict[str, str]:
    """The force-new fact's source and, where unset was judged by the schema, the attribute fact's."""
    out = _sources(ctx, resource_type, keys)
    attributes = ctx.packs.attributes(resource_type)
    for k in keys:
        fact = attributes.get(k)
        if verdict.get(k) == "changed" and fact is not None:
            default = f", default {fact.known_default}" if fact.known_default else ""
            out[k] += f"; unset judged by the schema facts (flags {fact.flags}{default}): {fact.source}"
    return out


def _change(change, path: str, before_v, after_v, default: str = "") -> str:
    """`"a" → "b"`; an unset side with a schema default shows it: `unset (default true) → false`."""
    b, a = shown_value(change.before, path, before_v), shown_value(change.after, path, after_v)
    if default:
        b = f"unset (default {default})" if before_v is MISSING else b
        a = f"unset (default {default})" if after_v is MISSING else a
    return f"{b} → {a}"


def _default_of(ctx: Context, resource, path: str) -> str:
    if resource.language != "terraform":
        return ""
    fact = ctx.packs.attributes(resource.type).get(path)
    return fact.known_default if fact is not None else ""


def _fmt_instances(keys: list[str]) -> str:
    return ", ".join(keys[:5]) + (" ..." if len(keys) > 5 else "")


def _resolves_the_same(before, after, path: str) -> bool:
    """A CloudFormation value written differently on the two sides that resolves, with the
    parameters' defaults and the mappings, to the same string on both (`!Sub "${Prefix}-x"` →
    `!Sub "${NamePrefix}-x"`, both defaults "app"): what CloudFormation passes depends on the
    stack's parameter values, which the template does not hold, so the change is a "may"."""
    if after.language != "cloudformation":
        return False
    was = before.meta.get("resolved", {}).get(path)
    now = after.meta.get("resolved", {}).get(path)
    return isinstance(was, str) and was == now


def _condition_may_keep(before, after, path: str) -> bool:
    """A CloudFormation value that becomes, or was, an `Fn::If` one of whose branches (nested
    ones included) is the other side's value, `AWS::NoValue` standing for unset (`unset` →
    `!If [HasRole, !Ref Role, !Ref AWS::NoValue]`): whether it changes depends on the condition,
    which the stack's parameter values decide."""
    if after.language != "cloudformation":
        return False
    was, now = get_path(before.body, path), get_path(after.body, path)
    return _branch_is(now, was) or _branch_is(was, now)


_NO_VALUE = {"Ref": "AWS::NoValue"}


def _branch_is(value, other, depth: int = 0) -> bool:
    if not (isinstance(value, dict) and len(value) == 1 and "Fn::If" in value) or depth > 16:
        return False
    arguments = value["Fn::If"]
    if not (isinstance(arguments, list) and len(arguments) == 3):
        return False
    for branch in arguments[1:]:
        if branch == other or (other is MISSING and branch == _NO_VALUE) or _branch_is(branch, other, depth + 1):
            return True
    return False


def _judge(ctx: Context, resource):
    """unset_verdict for this resource's arguments (None for all but Terraform)."""
    if resource.language != "terraform":
        return lambda path, b, a: None
    return lambda path, b, a: unset_verdict(ctx, resource.type, path, b, a)


def _kept(verdict: str | None, path: str, changed: list[str]) -> str | None:
    """A removed Optional+Computed argument keeps the state's value ("same") when nothing else in
    the resource changes; with other changes, a Plugin Framework provider may plan it as unknown
    and replace the resource, so it is judged as without facts (a note)."""
    if verdict != "kept":
        return verdict
    return "same" if all(p == path or p.startswith(path + ".") for p in changed) else None


def _instance_hits(before, after, hits: list[str], moves: dict[str, str], judge) -> dict[str, tuple[str, list[str]]] | None:
    """Instance key after -> (its key before, the force-new arguments that certainly change for
    it), comparing the instances both sides have (`[0]`, `["a"]`) and those a `moved` block
    carries from one key to another (`[0]` -> `["a"]`: the same object, whose `name` may still
    change); None when the instances are not known on both sides (the resource is then judged
    as a whole)."""
    from iaclint.core.diff import changed_paths

    bi, ai = before.meta.get("instances"), after.meta.get("instances")
    if not isinstance(bi, dict) or not isinstance(ai, dict):
        return None
    pairs = {key: key for key in bi if key in ai}
    for was in bi:
        now = moves.get(before.address + was, "")
        if now.startswith(after.address + "[") and now[len(after.address):] in ai:
            pairs[now[len(after.address):]] = was
    out: dict[str, tuple[str, list[str]]] = {}
    for key in sorted(pairs):
        b, a = bi[pairs[key]], ai[key]
        paths = changed_paths(b, a)
        verdict = {h: _kept(judge(h, get_path(b, h), get_path(a, h)), h, paths) for h in hits}
        mine = [h for h in hits if verdict[h] == "changed" or verdict[h] != "same" and any(
            (p == h or p.startswith(h + ".")) and certainly_changed(get_path(b, p), get_path(a, p))
            and not _zero_for_unset(b, a, p)
            for p in paths)]
        if mine:
            out[key] = (pairs[key], mine)
    return out


def _set_or_unset(before, after, path: str) -> bool:
    """A Terraform argument set where it was unset, or the reverse. Many force-new arguments are
    Optional+Computed (`availability_zone`, `kms_key_id`, generated names): unset, the provider
    keeps or chooses a value, so whether anything is replaced depends on a value only the
    provider knows. (A block added or removed is a certain change: it is no such argument.)"""
    if after.language != "terraform":
        return False
    b, a = get_path(before.body, path), get_path(after.body, path)
    unset = (MISSING, None, "")  # "" is how 0.11 modules wrote "not set", and providers read it so
    scalar = lambda v: not isinstance(v, (list, dict))  # noqa: E731
    return (b in unset and scalar(a)) or (a in unset and scalar(b))


def _zero_for_unset(before: dict, after: dict, path: str) -> bool:
    """Unset on one side, false/empty on the other: what most providers default to."""
    b, a = get_path(before, path), get_path(after, path)
    zero = (False, "", "false")
    unset = (MISSING, None)
    return (b in unset and (a is False or a in zero or a == [] or a == {})) or (
        a in unset and (b is False or b in zero or b == [] or b == {}))


def _outermost(paths: list[str]) -> list[str]:
    out = []
    for p in paths:
        if not any(p.startswith(q + ".") for q in paths if q != p):
            out.append(p)
    return out


def _help(language: str, hits: list[str]) -> str:
    if language == "cloudformation":
        return ("keep the old value; if a new resource is intended, add it under a new logical ID, migrate, "
                "then remove the old one (set DeletionPolicy: Retain or Snapshot first)")
    if language == "cdk":
        return ("keep the old value; if a new resource is intended, add it under a new construct id, migrate, "
                "then remove the old one (set `removal_policy=RemovalPolicy.RETAIN` first)")
    if language == "pulumi":
        # Pulumi already creates the replacement before deleting the old one (unless
        # delete_before_replace): Terraform's create_before_destroy means nothing here
        return ("keep the old value; if a new resource is intended, declare it beside the old one under a new "
                "name, migrate, then remove the old one; `protect=True` makes Pulumi refuse the replacement")
    return ("keep the old value; if a new resource is intended, create it beside the old one and migrate, or add "
            "`lifecycle { create_before_destroy = true }` for stateless resources")
