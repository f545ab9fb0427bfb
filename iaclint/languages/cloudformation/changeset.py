"""CloudFormation change sets, as `aws cloudformation describe-change-set` returns them.

Reads `Changes[].ResourceChange`: `Action` (Add | Modify | Remove | Import | Dynamic),
`Replacement` (True | False | Conditional), `Details[].Target` (`Attribute`, `Name`,
`RequiresRecreation`, and `BeforeValue`/`AfterValue` when the change set was described with
`--include-property-values`), and `PolicyAction` (Delete | Retain | Snapshot |
ReplaceAndDelete | ReplaceAndRetain | ReplaceAndSnapshot). Documented in the CloudFormation
API reference (ResourceChange, ResourceChangeDetail, ResourceTargetDefinition).
"""

from __future__ import annotations

from iaclint.core.facts import PlannedResource
from iaclint.plan.model import PlanError, PlannedChange, PlanResult


def analyze(doc: dict, result: PlanResult) -> None:
    """The change set's changes into `result.changes` and, for the rules, its verdicts into `result.facts`."""
    label = result.label
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
        targets = [d["Target"] for d in rc.get("Details") or [] if isinstance(d, dict) and isinstance(d.get("Target"), dict)]
        verdict = None
        if action == "Remove":
            result.changes.append(PlannedChange(lid, lid, rtype, "delete", True))
            verdict = "delete"
        elif action == "Modify":
            if replacement == "True":
                result.changes.append(PlannedChange(lid, lid, rtype, "replace", True))
                verdict = "replace"
            elif replacement == "Conditional":
                result.changes.append(PlannedChange(lid, lid, rtype, "update", None))
                verdict = "conditional"
            else:
                result.changes.append(PlannedChange(lid, lid, rtype, "update", False))
                verdict = "update"
        elif action in ("Add", "Import"):
            result.changes.append(PlannedChange(lid, lid, rtype, action.lower() if action == "Import" else "create", False))
        else:  # Dynamic (decided during the deployment), SyncWithActual, anything newer: no exact answer
            result.changes.append(PlannedChange(lid, lid, rtype, str(action or "unknown").lower(), None))
        if verdict is not None:
            levels = ("Conditionally", "Always") if verdict == "conditional" else ("Always",)
            names = _names(targets, levels) or (_names(targets, ("Conditionally",)) if verdict == "replace" else [])
            result.facts.planned.append(PlannedResource(lid, rtype, verdict, replace_paths=names,
                                                        attr=names[0] if names else "", policy=policy, targets=targets))


def _names(targets: list[dict], levels: tuple[str, ...]) -> list[str]:
    out = []
    for t in targets:
        if t.get("RequiresRecreation") in levels:
            name = t.get("Name") or t.get("Attribute") or ""
            if name and name not in out:
                out.append(str(name))
    return out
