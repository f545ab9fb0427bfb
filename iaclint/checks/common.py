"""Helpers shared by checks: reading dotted paths, statefulness, fix texts."""

from __future__ import annotations

from typing import Any

from iaclint.engine.check import Context, is_true
from iaclint.core.facts import TerraformFacts
from iaclint.core.model import Expr, Location, Resource, Severity, StackDiff

MISSING = object()


def get_path(body: Any, path: str) -> Any:
    """The value at a dotted path; through nested blocks, the first element."""
    value = body
    for part in path.split("."):
        if isinstance(value, list):
            value = value[0] if value else MISSING
            if value is MISSING:
                return MISSING
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return MISSING
    return value


def severity_for(ctx: Context, resource: Resource, stateful: Severity = Severity.ERROR, stateless: Severity = Severity.WARNING) -> Severity:
    return stateful if ctx.packs.stateful(resource.type) is not None else stateless


def stateful_in_module(ctx: Context, diff, address: str) -> list[str]:
    """Stateful resources (before the change) under a module call, by address."""
    resources = diff.before_resources
    return [a for a, r in sorted(resources.items()) if a.startswith(address + ".") and ctx.packs.stateful(r.type) is not None
            and not r.meta.get("zero_instances")]


def nothing_inside(diff, call) -> bool:
    """A local module call under which no resource has an instance (`create = false`): removing
    or renaming it destroys nothing."""
    if call.local_dir is None:
        return False
    return all(r.meta.get("zero_instances") for a, r in diff.before_resources.items() if a.startswith(call.address + "."))


def module_loss(ctx: Context, diff, call) -> tuple[str, Severity]:
    """(", including x, y, z", severity) for destroying everything under a module call: an error when
    it holds data, or when its source is not local and iaclint cannot see inside."""
    inside = stateful_in_module(ctx, diff, call.address)
    text = f", including {', '.join(inside[:3])}" if inside else ""
    return text, Severity.ERROR if inside or call.local_dir is None else Severity.WARNING


def what_holds(ctx: Context, resource: Resource) -> str:
    fact = ctx.packs.stateful(resource.type)
    return f" ({fact.value})" if fact is not None else ""


def ignored(resource: Resource, path: str) -> bool:
    """Terraform's `lifecycle { ignore_changes = [...] }` makes a change to `path` a no-op."""
    ignore = resource.meta.get("ignore_changes")
    if ignore == "all":
        return True
    if isinstance(ignore, list):
        for item in ignore:
            item = str(item).replace("[", ".").replace("]", "").replace('"', "")
            if path == item or path.startswith(item + "."):
                return True
    return False


def _scheme(resource: Resource) -> str | None:
    return "count" if "count" in resource.meta else "for_each" if "for_each" in resource.meta else None


def per_instance(before: Resource, after: Resource, path: str) -> bool:
    """The new value at `path` is written per instance (`each.value`, `count.index`) and the
    resource's instance scheme changed: there is no single old value to compare it with.
    Without `moved` blocks IAC105 reports the whole resource; with them, the moved instance
    usually keeps its value (`name = each.value` for the key it was moved to)."""

    if _scheme(before) == _scheme(after):
        return False
    value = get_path(after.body, path)
    text = value.text if isinstance(value, Expr) else ""
    return "each . " in text or "count . index" in text


def moved_block(old: str, new: str) -> str:
    return f"moved {{\n  from = {old}\n  to   = {new}\n}}"


def fmt_value(value: Any) -> str:

    if value is MISSING:
        return "unset"
    if value is None:
        return "null"
    if isinstance(value, Expr):
        return f"`{value.text}`"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return _intrinsic(value)
    if isinstance(value, list):
        return "a changed list"
    text = str(value)
    return f'"{text}"' if len(text) <= 60 else f'"{text[:57]}..."'


MAX_SHOWN = 80  # characters of a value as written, in a one-line message


def shown_value(resource: Resource | None, path: str, value: Any) -> str:
    """A value for a message: as the source writes it, then what it evaluates to when that is
    known and says more (`"${var.env}-queue"` = "prod-queue"; `!Sub "${Env}-table"` =
    "prod-table"). Resolved values are printed like any other, so the pipeline's redaction of
    sensitive values covers them."""
    written = resource.sources.get(path) if resource is not None and value is not MISSING else None
    if written is None:
        return fmt_value(value)
    shown = f"`{_one_line(written)}`"
    known = resource.meta.get("resolved", {}).get(path, value)  # what a template's intrinsic resolves to
    if has_unknown(known) or isinstance(known, (dict, list)):
        return shown
    return f"{shown} = {fmt_value(known)}"


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def _intrinsic(value: dict) -> str:
    """CloudFormation values that carry what they resolved to (parameter defaults, mappings)."""
    if "Ref" in value and "Default" in value:
        return f'!Ref {value["Ref"]} (default {fmt_value(value["Default"])})'
    if "Fn::Sub" in value and isinstance(value.get("Defaults"), dict):
        shown = ", ".join(f"{k} = {fmt_value(v)}" for k, v in value["Defaults"].items())
        return f"!Sub with {shown}"
    if "Fn::FindInMap" in value and "Value" in value:
        return f'!FindInMap → {fmt_value(value["Value"])}'
    return "a changed value"


# protective_value labels in the packs that mean "the guard is on when the flag is set"
NEGATIVE = {"false"}  # force_destroy-style flags: IAC203's business
NON_EMPTY = "non-empty string"


def protective(value, want: str) -> bool | None:
    """Whether `value` is the protective setting `want`; None when it cannot be known."""
    if isinstance(value, Expr):
        return None
    if value is MISSING or value is None:
        return False
    if want == "true":
        return is_true(value)
    if want.startswith(">0"):
        try:
            return float(str(value)) > 0
        except ValueError:
            return None
    if " or " in want:  # an enum: "PREVENT or ABANDON (resource-specific enum)"
        allowed = {w.strip().lower() for w in want.split("(")[0].split(" or ")}
        return isinstance(value, str) and value.lower() in allowed
    return isinstance(value, str) and value.lower() == want.lower()


def has_unknown(value: Any) -> bool:
    """Whether a value holds anything iaclint could not evaluate."""
    if isinstance(value, Expr):
        return True
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False


def _template_parts(text: str) -> tuple[list[str], list[str]] | None:
    """(literal segments, interpolations) of a normalised string template, or None if it is not one."""
    if not (text.startswith('" ') and text.endswith(' "')):
        return None
    inner = text[2:-2]
    literals, interps, depth, cur = [], [], 0, []
    tokens = inner.split(" ")
    for tok in tokens:
        if tok == "${" and depth == 0:
            literals.append(" ".join(cur))
            cur = []
            depth = 1
            continue
        if depth:
            if tok == "${":
                depth += 1
            elif tok == "}":
                depth -= 1
                if depth == 0:
                    interps.append(" ".join(cur))
                    cur = []
                    continue
        cur.append(tok)
    if depth:
        return None
    literals.append(" ".join(cur))
    return literals, interps


def certainly_changed(before: Any, after: Any) -> bool:
    """A change between two values that holds whatever the unknown parts turn out to be.

    Known on both sides: yes. A string template whose `${...}` parts are the same and whose
    literal text differs (`"${var.env}-db"` → `"${var.env}-database"`): yes. Anything else that
    holds an unknown (a variable without a value, an attribute the provider computes, a function
    iaclint does not evaluate): no — it may or may not change.
    """
    if not has_unknown(before) and not has_unknown(after):
        return True
    if isinstance(before, Expr) and isinstance(after, Expr):
        b, a = _template_parts(before.text), _template_parts(after.text)
        return b is not None and a is not None and b[1] == a[1] and b[0] != a[0]
    return False


def leaf_changes(changed_paths: list[str], path: str) -> list[str]:
    """The deepest changed paths at or under `path` (where the values actually differ)."""
    under = [p for p in changed_paths if p == path or p.startswith(path + ".")]
    return [p for p in under if not any(q != p and q.startswith(p + ".") for q in under)] or [path]


def removed_from(diff: StackDiff, r: Resource) -> Resource | Location:
    """Where a removed resource was removed: its own block, or the removed module call it went
    with (the module's block is still there, and other callers still use it)."""
    if not r.module or not isinstance(diff.facts, TerraformFacts):
        return r
    calls = [c for c in diff.facts.module_calls_removed if r.module.startswith((c.address + ".", c.address + "["))]
    if not calls:
        return r
    call = min(calls, key=lambda c: len(c.address))
    return Location(r.address, call.path, call.pos)


UNSET = (MISSING, None, "")  # "" is how 0.11 modules wrote "not set", and providers read it so


def same_as_default(value: Any, default: str) -> bool | None:
    """Whether an argument's value is the schema default `default` (a JSON literal: `true`,
    `2048`, `"P224"`); None when the value cannot be known."""
    import json

    if has_unknown(value):
        return None
    try:
        want = json.loads(default)
    except ValueError:
        want = default
    if isinstance(want, bool):
        return is_true(value) if want else (value is False or str(value).lower() == "false")
    if isinstance(want, (int, float)):
        try:
            return float(str(value)) == float(want)
        except ValueError:
            return False
    if isinstance(value, (list, dict)) or isinstance(want, (list, dict)):
        return value == want
    return str(value) == str(want)


def unset_verdict(ctx: Context, resource_type: str, path: str, before: Any, after: Any) -> str | None:
    """What an argument going from unset to a value (or the reverse) does, by the provider's schema
    facts (attributes.tsv), for a Terraform argument whose one side is unset:

    - "same": no change: the other side equals the schema default;
    - "kept": an Optional+Computed argument removed: Terraform plans the value the state has (SDKv2,
      and Plugin Framework attributes while nothing else in the resource changes: a Framework
      resource with other changes plans a removed computed argument as unknown unless the provider
      keeps the state's value, which the facts do not say);
    - "changed": a certain change. Optional without a default and not computed: unset is null, so
      any other value that is not a zero value (which SDKv2 stores for null) differs; with a default,
      unset is the default and the other side differs from it;
    - "maybe": Optional+Computed set where it was unset: the provider chose the value, which may or
      may not be the one written now;
    - None: no facts, both sides set, a side iaclint cannot evaluate, or a block: judged as before.
    """
    b_unset, a_unset = (before is MISSING or before is None or before == "" or before == []), \
        (after is MISSING or after is None or after == "" or after == [])
    if b_unset == a_unset:
        return None
    other = after if b_unset else before
    if has_unknown(other):
        return None
    facts = ctx.packs.attributes(resource_type)
    if isinstance(other, (list, dict)):  # a block: only one added can already be in the state
        return _block_at_defaults(facts, path, other) if b_unset else None
    fact = facts.get(path)
    if fact is None or "R" in fact.flags:
        return None
    if fact.default_unknown:
        return None  # unset is a default the facts cannot name: judged as before ("may")
    if fact.default:
        same = same_as_default(other, fact.default)
        return None if same is None else ("same" if same else "changed")
    if fact.computed:
        return "kept" if a_unset else "maybe"
    if fact.optional:
        zero = other is False or other in ("", "false", "0", 0) or other == 0
        return None if zero else "changed"
    return None


def _block_at_defaults(facts: dict, path: str, block: Any) -> str | None:
    """A nested block added whose every argument is written with its schema default: the state may
    already hold those values (a provider that reads the block back from the API for an object
    created without it), or hold no block (then it is a change): "maybe". (A block removed was in
    the configuration, so it is in the state: removing it is a change.)"""
    items = block if isinstance(block, list) else [block]
    if len(items) != 1 or not isinstance(items[0], dict) or not items[0] or path not in facts:
        return None
    for key, value in items[0].items():
        fact = facts.get(f"{path}.{key}")
        if fact is None or not fact.known_default or same_as_default(value, fact.known_default) is not True:
            return None
    return "maybe"
