"""Terraform / OpenTofu plan JSON (`terraform show -json plan.out`, format_version 1.x).

Reads `resource_changes[]`: `change.actions`, `action_reason`, `replace_paths`,
`previous_address`, and `before`/`after` (with the `*_sensitive` and `after_unknown` masks)
for protection flags. Documented in Terraform's "JSON Output Format".
"""

from __future__ import annotations

import re
from collections import OrderedDict

from iaclint.core.model import Severity
from iaclint.languages.base import secret_texts
from iaclint.plan.model import (PlanError, PlannedChange, PlanResult, fmt_path, guard_on, plan_finding,
                          protection_verdicts, strip_keys)

_VERSION = re.compile(r"^(\d+)\.(\d+)")

REASONS = {
    "replace_because_tainted": "it is tainted (an earlier create or provisioner failed)",
    "replace_by_request": "a replacement was requested (`-replace`)",
    "replace_because_cannot_update": "the provider cannot update it in place",
}


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


def analyze(doc: dict, result: PlanResult, packs, settings: dict) -> None:
    label = result.label
    _check_version(doc, label)
    rcs = doc.get("resource_changes") or []
    if not isinstance(rcs, list):
        raise PlanError(f"{label}: not a plan: resource_changes is not a list")
    deleted: list[str] = []
    by_module: OrderedDict[str, list[str]] = OrderedDict()
    by_instance: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()
    for i, rc in enumerate(rcs):
        if not isinstance(rc, dict):
            raise PlanError(f"{label}: not a plan: resource_changes[{i}] is not an object")
        address, rtype, actions, change = _actions(rc, i, label)
        prev = rc.get("previous_address")
        reason = rc.get("action_reason")
        key = strip_keys(address)
        managed = rc.get("mode", "managed") == "managed"
        replace = "delete" in actions and "create" in actions
        if replace:
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
        result.changes.append(PlannedChange(address, key, rtype, action, destroys if managed else False,
                                            strip_keys(prev) if isinstance(prev, str) else None, reason))
        if not managed:
            continue
        before, after = change.get("before"), change.get("after")
        bs, as_, au = change.get("before_sensitive"), change.get("after_sensitive"), change.get("after_unknown")
        _sensitive_texts(before, bs, result.secrets)
        _sensitive_texts(after, as_, result.secrets)
        if action == "replace":
            _replacement(result, packs, address, rtype, actions, change, reason)
        elif action == "delete":
            deleted.append(address)
            _deletion(result, packs, address, rtype, reason, before, bs, by_module, by_instance)
        if action in ("update", "replace", "import"):
            for code, attr, state, shown in protection_verdicts(packs, rtype, before, after, bs, as_, au):
                _protection(result, code, address, attr, state, shown, replaced=action == "replace")
    for module, members in by_module.items():
        result.findings.append(plan_finding(
            "IAC303", result, module,
            f"the plan destroys {len(members)} resource(s) of {module}: its module block was removed",
            help="to keep them, restore the module block or use `removed { from = " + module +
                 " lifecycle { destroy = false } }`; if they must go, suppress with a reason",
            resources=[module] + members, extra={"action_reason": "delete_because_no_module"}))
    for base, members in by_instance.items():
        stateful = packs.stateful(members[0][1]) is not None
        if stateful:
            continue  # IAC301 reports each instance, louder
        names = ", ".join(a for a, _ in members[:5]) + (" ..." if len(members) > 5 else "")
        result.findings.append(plan_finding(
            "IAC304", result, base,
            f"the plan destroys {len(members)} instance(s) of {base} ({names}): their count index or "
            f"for_each key is gone",
            help="check `count`/`for_each`; add `moved` blocks if the instances were only re-keyed",
            severity=Severity.WARNING, resources=[a for a, _ in members]))
    threshold = int(settings.get("broad_deletion_threshold", 5))
    if 0 < threshold <= len(deleted):
        names = ", ".join(deleted[:5]) + (" ..." if len(deleted) > 5 else "")
        result.findings.append(plan_finding(
            "IAC305", result, deleted[0],
            f"the plan destroys {len(deleted)} resources at once: {names}",
            help="split the removal into reviewed steps, or suppress with a reason if it is intended",
            resources=list(deleted)))


def _replacement(result: PlanResult, packs, address, rtype, actions, change, reason) -> None:
    paths = [fmt_path(p) for p in change.get("replace_paths") or []]
    fact = packs.stateful(rtype)
    if reason in ("replace_because_tainted", "replace_by_request"):
        why = REASONS[reason]
        severity = Severity.ERROR if fact is not None else Severity.WARNING
    elif paths:
        why = "changing " + ", ".join(f"`{p}`" for p in paths) + " forces a new resource"
        severity = None
    else:
        why = REASONS["replace_because_cannot_update"]
        severity = None
    order = ", creating the new one first" if actions and actions[0] == "create" else ""
    data = f"; its data ({fact.value}) is lost with the old one" if fact is not None else ""
    result.findings.append(plan_finding(
        "IAC101", result, address,
        f"the plan replaces {address} ({rtype}){order}: {why}{data}",
        help="revert the attribute(s) that force the replacement, or back up and migrate deliberately"
        if paths else "make sure the replacement is intended; back up the data first",
        severity=severity, extra={"replace_paths": paths, "action_reason": reason,
                                  "attr": _dotted(change.get("replace_paths"))}))


def _deletion(result, packs, address, rtype, reason, before, before_sensitive, by_module, by_instance) -> None:
    key = strip_keys(address)
    if reason == "delete_because_no_module":
        module = _module_of(address)
        if module:
            by_module.setdefault(module, []).append(address)
    elif reason in ("delete_because_count_index", "delete_because_each_key"):
        by_instance.setdefault(key, []).append((address, rtype))
    fact = packs.stateful(rtype)
    if fact is None:
        return
    guards = guard_on(packs, rtype, before, before_sensitive)
    guard = (f"; `{guards[0]}` is still on, so the apply will stop at it unless it is turned off first"
             if guards else "")
    why = {
        "delete_because_no_resource_config": "its block was removed",
        "delete_because_no_module": "its module block was removed",
        "delete_because_count_index": "its count index is gone",
        "delete_because_each_key": "its for_each key is gone",
    }.get(reason or "", "")
    result.findings.append(plan_finding(
        "IAC301", result, address,
        f"the plan destroys {address} ({rtype}){': ' + why if why else ''}, with its data ({fact.value}){guard}",
        help=_keep_help(address, reason),
        extra={"action_reason": reason}))


def _keep_help(address: str, reason: str | None) -> str:
    """How to keep what the plan destroys: a `removed` block names what it forgets in `from`,
    without instance keys; a lost instance is kept by its key, not by `removed`."""
    if reason in ("delete_because_count_index", "delete_because_each_key"):
        return ("to keep it, keep its index or key, or add a `moved` block to one that stays; "
                "if it must go, back it up first")
    whole = _module_of(address) if reason == "delete_because_no_module" else strip_keys(address)
    return (f"to keep the data but stop managing it, use `removed {{ from = {whole}  lifecycle {{ destroy = false }} }}`; "
            "if it must go, back it up first")


def _protection(result, code, address, attr, state, shown, replaced) -> None:
    if code == "IAC203" and state == "unknown":
        result.findings.append(plan_finding(code, result, address,
                                            f"the plan makes `{attr}` on {address} known only after apply; it may be turned on",
                                            severity=Severity.WARNING, help="keep it a literal false"))
        return
    if code == "IAC203":
        msg = f"the plan turns on `{attr}` on {address}" + (f" ({shown})" if shown else "")
        result.findings.append(plan_finding(code, result, address, msg, extra={"attr": attr},
                                            help="leave it off unless the data may really go with the resource"))
        return
    if state == "unknown":
        msg = f"the plan makes deletion protection `{attr}` on {address} known only after apply; it may be turned off"
        result.findings.append(plan_finding(code, result, address, msg, severity=Severity.WARNING,
                                            help="set the guard to a literal true"))
        return
    what = "the replacement of" if replaced else ""
    msg = (f"the plan turns off deletion protection `{attr}` on {what + ' ' if what else ''}{address}"
           + (f" ({shown})" if shown else ""))
    result.findings.append(plan_finding(code, result, address, msg, extra={"attr": attr},
                                        help="keep it on; if the resource must go, turn it off in its own reviewed change first"))


def _dotted(paths) -> str:
    """The first replace path as a dotted attribute path without indexes (`ebs_block_device.volume_size`)."""
    if not paths or not isinstance(paths[0], list):
        return ""
    return ".".join(s for s in paths[0] if isinstance(s, str))


def _module_of(address: str) -> str:
    """`module.a["x"].module.b.aws_s3_bucket.c` → `module.a["x"].module.b` (the innermost call)."""
    parts = _split(address)
    last = max((i for i, p in enumerate(parts) if p == "module"), default=-1)
    if last < 0 or last + 1 >= len(parts):
        return ""
    return strip_keys(".".join(parts[: last + 2]))


def _split(address: str) -> list[str]:
    out, cur, depth, quote = [], "", 0, False
    for ch in address:
        if quote:
            cur += ch
            if ch == '"':
                quote = False
            continue
        if ch == '"':
            quote = True
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "." and depth == 0:
            out.append(cur)
            cur = ""
            continue
        cur += ch
    out.append(cur)
    return [strip_keys(p) for p in out]


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
