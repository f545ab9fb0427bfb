"""CloudFormation change sets, as `aws cloudformation describe-change-set` returns them.

Reads `Changes[].ResourceChange`: `Action` (Add | Modify | Remove | Import | Dynamic),
`Replacement` (True | False | Conditional), `Details[].Target` (`Attribute`, `Name`,
`RequiresRecreation`, and `BeforeValue`/`AfterValue` when the change set was described with
`--include-property-values`), and `PolicyAction` (Delete | Retain | Snapshot |
ReplaceAndDelete | ReplaceAndRetain | ReplaceAndSnapshot). Documented in the CloudFormation
API reference (ResourceChange, ResourceChangeDetail, ResourceTargetDefinition).
"""

from __future__ import annotations

from iaclint.core.model import Severity
from iaclint.plan.model import PlanError, PlannedChange, PlanResult, plan_finding

POLICY_RANK = {"Delete": 0, "Snapshot": 1, "RetainExceptOnCreate": 2, "Retain": 2}
KEEPS_OLD = {"ReplaceAndRetain": "retained", "ReplaceAndSnapshot": "snapshotted"}


def analyze(doc: dict, result: PlanResult, packs, settings: dict) -> None:
    label = result.label
    removed: list[str] = []
    for i, ch in enumerate(doc.get("Changes") or []):
        if not isinstance(ch, dict):
            raise PlanError(f"{label}: not a change set: Changes[{i}] is not an object")
        if ch.get("Type", "Resource") != "Resource":
            continue
        rc = ch.get("ResourceChange")
        if not isinstance(rc, dict) or not isinstance(rc.get("LogicalResourceId"), str):
            raise PlanError(f"{label}: not a change set: Changes[{i}] has no ResourceChange.LogicalResourceId")
        lid, rtype = rc["LogicalResourceId"], str(rc.get("ResourceType") or "")
        action, replacement = rc.get("Action"), str(rc.get("Replacement") or "")
        policy = rc.get("PolicyAction")
        details = [d for d in rc.get("Details") or [] if isinstance(d, dict) and isinstance(d.get("Target"), dict)]
        if action == "Remove":
            result.changes.append(PlannedChange(lid, lid, rtype, "delete", True))
            removed.append(lid)
            _removal(result, packs, lid, rtype, policy)
        elif action == "Modify":
            if replacement == "True":
                result.changes.append(PlannedChange(lid, lid, rtype, "replace", True))
                _replacement(result, packs, lid, rtype, details, policy)
            elif replacement == "Conditional":
                result.changes.append(PlannedChange(lid, lid, rtype, "update", None))
                _conditional(result, packs, lid, rtype, details)
            else:
                result.changes.append(PlannedChange(lid, lid, rtype, "update", False))
            _protection(result, packs, lid, rtype, details)
        elif action in ("Add", "Import"):
            result.changes.append(PlannedChange(lid, lid, rtype, action.lower() if action == "Import" else "create", False))
        else:  # Dynamic (decided during the deployment), SyncWithActual, anything newer: no exact answer
            result.changes.append(PlannedChange(lid, lid, rtype, str(action or "unknown").lower(), None))
    threshold = int(settings.get("broad_deletion_threshold", 5))
    if 0 < threshold <= len(removed):
        names = ", ".join(removed[:5]) + (" ..." if len(removed) > 5 else "")
        result.findings.append(plan_finding(
            "IAC305", result, removed[0], f"the change set removes {len(removed)} resources at once: {names}",
            help="split the removal into reviewed steps, or suppress with a reason if it is intended",
            resources=list(removed)))


def _names(details: list[dict], levels: tuple[str, ...]) -> list[str]:
    out = []
    for d in details:
        t = d["Target"]
        if t.get("RequiresRecreation") in levels:
            name = t.get("Name") or t.get("Attribute") or ""
            if name and name not in out:
                out.append(str(name))
    return out


def _removal(result, packs, lid, rtype, policy) -> None:
    fact = packs.stateful(rtype)
    if fact is None:
        return
    if policy in ("Retain", "Snapshot"):
        kept = "DeletionPolicy Retain keeps the resource, but it leaves the stack's management" if policy == "Retain" \
            else "DeletionPolicy Snapshot keeps a final snapshot"
        result.findings.append(plan_finding(
            "IAC301", result, lid, f"the change set removes {lid} ({rtype}); {kept}",
            help="confirm this is intended", severity=Severity.WARNING, extra={"policy_action": policy}))
        return
    result.findings.append(plan_finding(
        "IAC301", result, lid, f"the change set removes and deletes {lid} ({rtype}), with its data ({fact.value})",
        help="deploy DeletionPolicy: Retain before removing it if the data must survive; otherwise back it up first",
        extra={"policy_action": policy}))


def _replacement(result, packs, lid, rtype, details, policy) -> None:
    names = _names(details, ("Always",)) or _names(details, ("Conditionally",))
    why = ("changing " + ", ".join(f"`{n}`" for n in names) + " requires a new resource") if names \
        else "CloudFormation cannot update it in place"
    fact = packs.stateful(rtype)
    severity = None
    tail = f"; its data ({fact.value}) is deleted with the old one" if fact is not None else ""
    if policy in KEEPS_OLD and fact is not None:
        tail = f"; UpdateReplacePolicy keeps the old one ({KEEPS_OLD[policy]}), the new one starts empty"
        severity = Severity.WARNING
    result.findings.append(plan_finding(
        "IAC101", result, lid, f"the change set replaces {lid} ({rtype}): {why}{tail}",
        help="revert the property that forces the replacement, or migrate the data deliberately",
        severity=severity, extra={"replace_paths": names, "policy_action": policy, "attr": names[0] if names else ""}))


def _conditional(result, packs, lid, rtype, details) -> None:
    names = _names(details, ("Conditionally", "Always"))
    what = (", ".join(f"`{n}`" for n in names)) if names else "a change"
    severity = Severity.WARNING if packs.stateful(rtype) is not None else Severity.NOTE
    result.findings.append(plan_finding(
        "IAC102", result, lid,
        f"the change set may replace {lid} ({rtype}): {what} requires a new resource depending on values "
        f"known only during the update",
        help="check the new values against the resource type's documentation before executing the change set",
        severity=severity, extra={"replace_paths": names, "attr": names[0] if names else ""}))


def _protection(result, packs, lid, rtype, details) -> None:
    from iaclint.checks.common import NEGATIVE, NON_EMPTY, protective

    guards: dict[str, list[str]] = {}
    for fact in packs.protection(rtype):
        if fact.value in NEGATIVE or fact.value == NON_EMPTY or "[" in fact.key or fact.value.startswith("larger"):
            continue
        guards.setdefault(fact.key, []).append(fact.value)
    for d in details:
        t = d["Target"]
        if "BeforeValue" not in t and "AfterValue" not in t:
            continue  # described without --include-property-values: the values are not known
        before, after = t.get("BeforeValue"), t.get("AfterValue")
        attr, name = t.get("Attribute"), t.get("Name")
        if attr in ("DeletionPolicy", "UpdateReplacePolicy"):
            b, a = POLICY_RANK.get(str(before or "Delete"), 0), POLICY_RANK.get(str(after or "Delete"), 0)
            if b > a and isinstance(before, str) and before in POLICY_RANK:
                result.findings.append(plan_finding(
                    "IAC209", result, lid,
                    f"the change set weakens {attr} of {lid} ({before} → {after if after in POLICY_RANK else 'Delete' if not after else 'a weaker policy'})",
                    help=f"keep {attr}: {before}"))
            continue
        if attr != "Properties" or name not in guards:
            continue
        if t.get("AttributeChangeType") == "Remove":
            after = None
        wants = guards[name]
        if any(protective(_bool(before), w) is True for w in wants) and not any(protective(_bool(after), w) is True for w in wants):
            shown = ""
            if str(before).lower() in ("true", "false") and (after is None or str(after).lower() in ("true", "false")):
                shown = f" ({str(before).lower()} → {'unset' if after is None else str(after).lower()})"
            result.findings.append(plan_finding(
                "IAC201", result, lid, f"the change set turns off deletion protection `{name}` on {lid}{shown}", extra={"attr": name},
                help="keep it on; if the resource must go, turn it off in its own reviewed change first"))


def _bool(value):
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value
