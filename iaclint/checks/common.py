"""Helpers shared by checks: reading dotted paths, statefulness, fix texts."""

from __future__ import annotations

from typing import Any

from iaclint.engine.check import Context
from iaclint.core.model import Expr, Resource, Severity

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
    return [a for a, r in sorted(resources.items()) if a.startswith(address + ".") and ctx.packs.stateful(r.type) is not None]


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
        return (value is True or (isinstance(value, str) and value.lower() == "true"))
    if want.startswith(">0"):
        try:
            return float(str(value)) > 0
        except ValueError:
            return None
    if " or " in want:  # an enum: "PREVENT or ABANDON (resource-specific enum)"
        allowed = {w.strip().lower() for w in want.split("(")[0].split(" or ")}
        return isinstance(value, str) and value.lower() in allowed
    return isinstance(value, str) and value.lower() == want.lower()
