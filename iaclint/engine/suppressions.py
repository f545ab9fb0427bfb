"""Inline suppressions: `# iaclint: allow <code|name|category>[, ...] [address] -- <reason>`.

A suppression sits on or just above the resource it concerns. One that names an address
applies to that resource from anywhere in the stack: that is how a deletion is allowed,
since the removed block is no longer there to carry a comment. The reason is required.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from iaclint.model import Finding, Pos

_ALLOW = re.compile(r"iaclint:\s*allow\b(?P<rest>.*)$", re.IGNORECASE)
_CODE = re.compile(r"^IAC\d{3}$", re.IGNORECASE)


@dataclass
class Suppression:
    path: str
    pos: Pos
    targets: list[str]
    address: str | None
    reason: str
    used: bool = False
    resources: set[str] = field(default_factory=set)  # the resources it is attached to

    def matches(self, finding: Finding) -> bool:
        keys = {finding.rule.lower(), finding.name.lower(), finding.category.value.lower(), "all"}
        if finding.category.value == "protection-removed":
            keys.add("protection")
        return any(t.lower() in keys for t in self.targets)


def parse_comment(text: str, path: str, pos: Pos) -> Suppression | None:
    body = text.strip()
    for opener in ("#", "//", "/*"):
        if body.startswith(opener):
            body = body[len(opener):]
            break
    body = body.removesuffix("*/").strip()
    m = _ALLOW.search(body)
    if not m:
        return None
    rest = m.group("rest").strip()
    reason = ""
    if "--" in rest:
        rest, _, reason = rest.partition("--")
    elif " - " in rest:
        rest, _, reason = rest.partition(" - ")
    words = [w for w in re.split(r"[\s,]+", rest.strip()) if w]
    targets, address = [], None
    for w in words:
        if _CODE.match(w) or "." not in w and "[" not in w:
            targets.append(w)
        else:
            address = w
    return Suppression(path, pos, targets, address, reason.strip())


def from_metadata(entries, path: str, pos: Pos, address: str) -> list[Suppression]:
    """CloudFormation `Metadata: {iaclint: {allow: [{rule: ..., reason: ...}]}}` on a resource."""
    out = []
    if not isinstance(entries, list):
        return out
    for e in entries:
        if not isinstance(e, dict):
            continue
        rule = str(e.get("rule", "") or "")
        reason = str(e.get("reason", "") or "")
        s = Suppression(path, pos, [rule] if rule else [], None, reason.strip())
        s.resources.add(address)
        out.append(s)
    return out
