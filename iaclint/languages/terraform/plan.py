"""Terraform / OpenTofu plan JSON (`terraform show -json plan.out`, format_version 1.x).

Reads `resource_changes[]`: `change.actions`, `action_reason`, `replace_paths`,
`previous_address`, and `before`/`after` (with the `*_sensitive` and `after_unknown` masks)
for protection flags; and `resource_drift[]`: which attributes of which resources changed
outside Terraform (paths only, never values). Documented in Terraform's "JSON Output Format".
"""

from __future__ import annotations

import re

from iaclint.core.facts import Drift, PlannedResource
from iaclint.languages.base import secret_texts
from iaclint.plan.model import PlanError, PlannedChange, PlanResult, fmt_path, strip_keys

_VERSION = re.compile(r"^(\d+)\.(\d+)")

def _check_version(doc: dict, label: str) -> None:
    version = doc.get("format_version")
    m = _VERSION.match(version) if isinstance(version, str) else None
    if not m:
        raise PlanError(f"{label}: not a plan: format_version {version!r} is not a version")
    if m.group(1) != "1":
        raise PlanError(f"{label}: plan format_version {version} is not supported (iaclint reads 1.x)")


def _actions(rc: dict, i: int, label: str, where: str = "resource_changes") -> tuple[str, str, list[str], dict]:
    address, rtype, change = rc.get("address"), rc.get("type"), rc.get("change")
    if not isinstance(address, str) or not isinstance(change, dict) or not isinstance(change.get("actions"), list):
        raise PlanError(f"{label}: not a plan: {where}[{i}] has no address or change.actions")
    if rtype is not None and not isinstance(rtype, str):
        raise PlanError(f"{label}: not a plan: {where}[{i}].type is not a string")
    actions = change["actions"]
    if not all(isinstance(a, str) and a in _ACTIONS for a in actions):
        raise PlanError(f"{label}: not a plan: {where}[{i}].change.actions holds something other than "
                        f"{', '.join(sorted(_ACTIONS))}")
    return address, rtype or "", list(actions), change


_ACTIONS = {"no-op", "create", "read", "update", "delete", "forget"}


def analyze(doc: dict, result: PlanResult) -> None:
    """The plan's changes into `result.changes` (for `diff --plan` to match) and, for the rules,
    the verdicts on managed resources into `result.facts`."""
    label = result.label
    _check_version(doc, label)
    rcs = doc.get("resource_changes") or []
    if not isinstance(rcs, list):
        raise PlanError(f"{label}: not a plan: resource_changes is not a list")
    for i, rc in enumerate(rcs):
        if not isinstance(rc, dict):
            raise PlanError(f"{label}: not a plan: resource_changes[{i}] is not an object")
        address, rtype, actions, change = _actions(rc, i, label)
        prev = rc.get("previous_address")
        reason = rc.get("action_reason")
        managed = rc.get("mode", "managed") == "managed"
        if "delete" in actions and "create" in actions:
            action = "replace"
        elif actions == ["delete"]:
            action = "delete"
        elif actions and actions[0] in ("update", "no-op", "create", "read", "forget"):
            action = actions[0]
        else:
            action = "+".join(actions) or "no-op"
        destroys = action in ("replace", "delete")
        if "importing" in change and action in ("no-op", "update"):
            action = "import"
        result.changes.append(PlannedChange(address, strip_keys(address), rtype, action, destroys if managed else False,
                                            strip_keys(prev) if isinstance(prev, str) else None, reason))
        if not managed:
            continue
        before, after = change.get("before"), change.get("after")
        bs, as_, au = change.get("before_sensitive"), change.get("after_sensitive"), change.get("after_unknown")
        _sensitive_texts(before, bs, result.secrets)
        _sensitive_texts(after, as_, result.secrets)
        if action in ("replace", "delete", "update", "import"):
            raw_paths = change.get("replace_paths") or []
            result.facts.planned.append(PlannedResource(
                address, rtype, action, create_first=bool(actions) and actions[0] == "create", reason=reason,
                replace_paths=[fmt_path(p) for p in raw_paths] if action == "replace" else [],
                attr=_dotted(raw_paths), before=before, after=after, before_sensitive=bs,
                after_sensitive=as_, after_unknown=au))
    _drift(doc, rcs, result)


MAX_PATHS = 200  # attribute paths kept per drifted resource: enough to name them, bounded on huge objects


def _drift(doc: dict, rcs: list, result: PlanResult) -> None:
    """`resource_drift`: each managed resource changed or deleted outside Terraform, the paths
    that differ between the state and the refreshed object, and what the apply does to it."""
    label = result.label
    drifts = doc.get("resource_drift") or []
    if not isinstance(drifts, list):
        raise PlanError(f"{label}: not a plan: resource_drift is not a list")
    planned = {rc["address"]: rc["change"] for rc in rcs if isinstance(rc, dict) and isinstance(rc.get("change"), dict)}
    for i, rd in enumerate(drifts):
        if not isinstance(rd, dict):
            raise PlanError(f"{label}: not a plan: resource_drift[{i}] is not an object")
        address, rtype, actions, change = _actions(rd, i, label, "resource_drift")
        if rd.get("mode", "managed") != "managed" or actions not in (["update"], ["delete"]):
            continue
        before, after = change.get("before"), change.get("after")
        bs, as_ = change.get("before_sensitive"), change.get("after_sensitive")
        _sensitive_texts(before, bs, result.secrets)
        _sensitive_texts(after, as_, result.secrets)
        drift = Drift(address, rtype, deleted=actions == ["delete"])
        if not drift.deleted:
            _differing(before, after, _either(bs, as_), [], drift.paths)
        apply = planned.get(address)
        if apply is not None:
            acts = apply.get("actions") or []
            drift.planned_action = ("replace" if "delete" in acts and "create" in acts
                                    else acts[0] if len(acts) == 1 and isinstance(acts[0], str) else None)
            if drift.planned_action == "update":
                _differing(apply.get("before"), apply.get("after"),
                           _either(apply.get("before_sensitive"), apply.get("after_sensitive")), [], drift.planned_paths)
                _unknown(apply.get("after_unknown"), [], drift.planned_paths)
        result.facts.drift.append(drift)


def _differing(before, after, sensitive, path: list, out: list[list]) -> None:
    """Paths (lists of steps) where `before` and `after` differ. A sensitive value is one path:
    what is inside it (map keys too) is not looked at."""
    if len(out) >= MAX_PATHS:
        return
    if sensitive is True:
        if before != after:
            out.append(path)
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after), key=str):
            _differing(before.get(key), after.get(key), _step(sensitive, key), path + [key], out)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for i, (b, a) in enumerate(zip(before, after)):
            _differing(b, a, _step(sensitive, i), path + [i], out)
    elif before != after:
        out.append(path)


def _unknown(mask, path: list, out: list[list]) -> None:
    if len(out) >= MAX_PATHS:
        return
    if mask is True:
        out.append(path)
    elif isinstance(mask, dict):
        for key, m in mask.items():
            _unknown(m, path + [key], out)
    elif isinstance(mask, list):
        for i, m in enumerate(mask):
            _unknown(m, path + [i], out)


def _step(mask, key):
    if isinstance(mask, dict):
        return mask.get(key)
    if isinstance(mask, list) and isinstance(key, int) and key < len(mask):
        return mask[key]
    return None


def _either(a, b):
    """One sensitive mask from two: true wherever either is."""
    if a is True or b is True:
        return True
    if isinstance(a, dict) or isinstance(b, dict):
        a, b = (a if isinstance(a, dict) else {}), (b if isinstance(b, dict) else {})
        return {k: _either(a.get(k), b.get(k)) for k in set(a) | set(b)}
    if isinstance(a, list) or isinstance(b, list):
        a, b = (a if isinstance(a, list) else []), (b if isinstance(b, list) else [])
        return [_either(a[i] if i < len(a) else None, b[i] if i < len(b) else None) for i in range(max(len(a), len(b)))]
    return None


def _dotted(paths) -> str:
    """The first replace path as a dotted attribute path without indexes (`ebs_block_device.volume_size`)."""
    if not paths or not isinstance(paths[0], list):
        return ""
    return ".".join(s for s in paths[0] if isinstance(s, str))


def _sensitive_texts(value, mask, out: set[str]) -> None:
    """Every string or number under a `*_sensitive` mask that is true."""
    if mask is True:
        out |= secret_texts(value)
    elif isinstance(mask, dict) and isinstance(value, dict):
        for k, m in mask.items():
            _sensitive_texts(value.get(k), m, out)
    elif isinstance(mask, list) and isinstance(value, list):
        for v, m in zip(value, mask):
            _sensitive_texts(v, m, out)
