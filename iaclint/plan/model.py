"""What a plan or change set says, as iaclint keeps it: the planned changes and the findings the
plan proves, plus the helpers both readers (`languages/terraform/plan.py`,
`languages/cloudformation/changeset.py`) share. Never a secret in a message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from iaclint.core.model import Finding
from iaclint.errors import PlanError  # noqa: F401  (what the readers raise)


@dataclass
class PlannedChange:
    address: str  # as the plan writes it: aws_s3_bucket.logs["a"], or a logical ID
    key: str  # for matching with static addresses: instance keys stripped
    type: str
    action: str  # replace | delete | update | no-op | create | forget | read | import | dynamic
    destroys: bool | None  # True: destroyed or replaced; False: stays; None: the plan cannot say
    previous: str | None = None  # normalized previous_address (a move)
    reason: str | None = None


@dataclass
class PlanResult:
    kind: str  # terraform | cloudformation
    label: str  # the plan file as given ("-" for stdin)
    text: str
    changes: list[PlannedChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # values the plan marks sensitive, as text: redacted from every finding of `diff --plan`
    secrets: set[str] = field(default_factory=set)

    def by_key(self) -> dict[str, list[PlannedChange]]:
        out: dict[str, list[PlannedChange]] = {}
        for c in self.changes:
            out.setdefault(c.key, []).append(c)
            if c.previous and c.previous != c.key:
                out.setdefault(c.previous, []).append(c)
        return out


def strip_keys(address: str) -> str:
    """`module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b` (quotes respected)."""
    if "[" not in address:
        return address
    out = []
    depth = 0
    quote = False
    escape = False
    for ch in address:
        if depth:
            if quote:
                if escape:
                    escape = False
                elif ch == "\\":
                    escape = True
                elif ch == '"':
                    quote = False
            elif ch == '"':
                quote = True
            elif ch == "]":
                depth -= 1
            continue
        if ch == "[":
            depth = 1
            continue
        out.append(ch)
    return "".join(out)


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def fmt_path(steps) -> str:
    """A replace_paths entry (["ebs_block_device", 0, "volume_size"]) → `ebs_block_device[0].volume_size`."""
    if not isinstance(steps, list):
        return str(steps)
    out = ""
    for s in steps:
        if isinstance(s, int) and not isinstance(s, bool):
            out += f"[{s}]"
        elif isinstance(s, str) and _IDENT.match(s):
            out += ("." if out else "") + s
        else:
            out += "[" + json.dumps(s) + "]"
    return out


def plan_finding(code: str, result: PlanResult, address: str, message: str, help: str = "", *,
                 severity=None, resources: list[str] | None = None, extra: dict | None = None) -> Finding:
    """A finding the plan proves, under a registered rule; located later (see `locate`)."""
    from iaclint.engine.registry import BY_CODE

    rule = BY_CODE[code]
    return Finding(
        rule=rule.code,
        name=rule.name,
        category=rule.category,
        severity=severity or rule.severity,
        path=result.label,
        line=1,
        message=message,
        help=help,
        resource=address,
        resources=resources or [address],
        source="plan",
        extra=extra or {},
    )


def protection_verdicts(packs, rtype: str, before, after, before_sensitive, after_sensitive, after_unknown):
    """Deletion guards (IAC201's facts) that the change turns off, and force-destroy switches
    (IAC203's facts) that it turns on.

    Yields (code, key, state, shown) where state is "off" | "unknown" and `shown` is a
    "true → false" text only for non-sensitive booleans, else "".
    """
    from iaclint.checks.common import MISSING, get_path
    from iaclint.checks.common import NEGATIVE, NON_EMPTY, protective

    grouped: dict[str, list[str]] = {}
    for fact in packs.protection(rtype):
        want = fact.value
        if want == NON_EMPTY or "[" in fact.key or want.startswith("larger"):
            continue
        grouped.setdefault(fact.key, []).append(want)
    for key, wants in grouped.items():
        bv, av = get_path(before or {}, key), get_path(after or {}, key)
        secret = _flag(before_sensitive, key) or _flag(after_sensitive, key)
        unknown = _flag(after_unknown, key)
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


def guard_on(packs, rtype: str, before, before_sensitive) -> list[str]:
    """Deletion guards that are on in `before` (and are not secrets): the apply will stop on them."""
    from iaclint.checks.common import get_path
    from iaclint.checks.common import NEGATIVE, NON_EMPTY, protective

    out = []
    for fact in packs.protection(rtype):
        if fact.value in NEGATIVE or fact.value == NON_EMPTY or "[" in fact.key or fact.value.startswith("larger"):
            continue
        if fact.key not in out and not _flag(before_sensitive, fact.key) and protective(get_path(before or {}, fact.key), fact.value) is True:
            out.append(fact.key)
    return out


def _flag(mask, key: str) -> bool:
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
