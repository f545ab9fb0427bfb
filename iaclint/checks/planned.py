"""What the rules share to read a plan or change set (`PlanFacts`): the provider has already
decided what is replaced or destroyed; the rules say what that means, in their own words.

Never a secret in a message: a value is shown only when it is a boolean the plan does not mark
sensitive.
"""

from __future__ import annotations

from typing import Any

from iaclint.checks.common import MISSING, NEGATIVE, NON_EMPTY, get_path, protective
from iaclint.core.facts import PlanFacts
from iaclint.core.model import Finding, Severity
from iaclint.engine.check import Check

# Terraform's action_reason for a replacement the configuration did not cause
REPLACE_REASONS = {
    "replace_because_tainted": "it is tainted (an earlier create or provisioner failed)",
    "replace_by_request": "a replacement was requested (`-replace`)",
    "replace_because_cannot_update": "the provider cannot update it in place",
}
DELETE_REASONS = {
    "delete_because_no_resource_config": "its block was removed",
    "delete_because_no_module": "its module block was removed",
    "delete_because_count_index": "its count index is gone",
    "delete_because_each_key": "its for_each key is gone",
}
# CloudFormation's PolicyAction on a replacement that keeps the old resource
KEEPS_OLD = {"ReplaceAndRetain": "retained", "ReplaceAndSnapshot": "snapshotted"}
POLICY_RANK = {"Delete": 0, "Snapshot": 1, "RetainExceptOnCreate": 2, "Retain": 2}


def planned(check: Check, facts: PlanFacts, address: str, message: str, help: str = "", *,
            severity: Severity | None = None, resources: list[str] | None = None, extra: dict | None = None) -> Finding:
    """A finding the plan proves; it points at the plan until `plan.combine.locate` finds the source."""
    return Finding(
        rule=check.code, name=check.name, category=check.category, severity=severity or check.severity,
        path=facts.label, line=1, message=message, help=help, resource=address,
        resources=resources or [address], source="plan", extra=extra or {},
    )


def protection_verdicts(packs, rtype: str, before, after, before_sensitive, after_sensitive, after_unknown):
    """Deletion guards (IAC201's facts) that the change turns off, and force-destroy switches
    (IAC203's facts) that it turns on.

    Yields (code, key, state, shown) where state is "off" | "unknown" and `shown` is a
    "true → false" text only for non-sensitive booleans, else "".
    """
    grouped: dict[str, list[str]] = {}
    for fact in packs.protection(rtype):
        want = fact.value
        if want == NON_EMPTY or "[" in fact.key or want.startswith("larger"):
            continue
        grouped.setdefault(fact.key, []).append(want)
    for key, wants in grouped.items():
        bv, av = get_path(before or {}, key), get_path(after or {}, key)
        secret = flagged(before_sensitive, key) or flagged(after_sensitive, key)
        unknown = flagged(after_unknown, key)
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


def verdicts_for(code: str, facts: PlanFacts, packs):
    """(planned resource, attribute, state, shown) for every protection verdict of rule `code`
    on the resources a Terraform plan updates, replaces or imports."""
    for p in facts.of("update", "replace", "import"):
        for verdict_code, attr, state, shown in protection_verdicts(packs, p.type, p.before, p.after, p.before_sensitive,
                                                                    p.after_sensitive, p.after_unknown):
            if verdict_code == code:
                yield p, attr, state, shown


def guards(packs, rtype: str) -> dict[str, list[str]]:
    """Deletion guards of a type (key -> the values that mean "on"), without force-destroy switches."""
    out: dict[str, list[str]] = {}
    for fact in packs.protection(rtype):
        if fact.value in NEGATIVE or fact.value == NON_EMPTY or "[" in fact.key or fact.value.startswith("larger"):
            continue
        out.setdefault(fact.key, []).append(fact.value)
    return out


def guard_on(packs, rtype: str, before, before_sensitive) -> list[str]:
    """Deletion guards that are on in `before` (and are not secrets): the apply will stop on them."""
    return [key for key, wants in guards(packs, rtype).items()
            if not flagged(before_sensitive, key) and any(protective(get_path(before or {}, key), w) is True for w in wants)]


def flagged(mask, key: str) -> bool:
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


def as_bool(value: Any) -> Any:
    """A change set's "true"/"false" property values as booleans."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value
