"""Terraform / OpenTofu plan JSON (`terraform show -json plan.out`, format_version 1.x).

Reads `resource_changes[]`: `change.actions`, `action_reason`, `replace_paths`,
`previous_address`, and `before`/`after` (with the `*_sensitive` and `after_unknown` masks)
for protection flags. Documented in Terraform's "JSON Output Format".
"""

from __future__ import annotations

import re

from iaclint.core.facts import PlannedResource
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


def _actions(rc: dict, i: int, label: str) -> tuple[str, str, list[str], dict]:
    address, rtype, change = rc.get("address"), rc.get("type"), rc.get("change")
    if not isinstance(address, str) or not isinstance(change, dict) or not isinstance(change.get("actions"), list):
        raise PlanError(f"{label}: not a plan: resource_changes[{i}] has no address or change.actions")
    if rtype is not None and not isinstance(rtype, str):
        raise PlanError(f"{label}: not a plan: resource_changes[{i}].type is not a string")
    actions = change["actions"]
    if not all(isinstance(a, str) and a in _ACTIONS for a in actions):
        raise PlanError(f"{label}: not a plan: resource_changes[{i}].change.actions holds something other than "
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
