"""Inline suppressions: `# iaclint: allow <code|name|category>[, ...] [address] -- <reason>`.

The address is a word with `.` or `[` (`aws_s3_bucket.logs`), or a bare word after the
targets that names no rule or category (a CloudFormation logical ID: `OldQueue`).

A suppression sits on or just above the resource it concerns. One that names an address
applies to that resource from anywhere in the stack: that is how a deletion is allowed,
since the removed block is no longer there to carry a comment. The reason is required.
"""

from __future__ import annotations

import re

from iaclint.core.model import Category, Finding, Pos
from iaclint.core.record import FRESH, Record

_ALLOW = re.compile(r"iaclint:\s*allow\b(?P<rest>.*)$", re.IGNORECASE)
_CODE = re.compile(r"^IAC\d{3}$", re.IGNORECASE)


class Suppression(Record):
    """An `iaclint: allow` comment (or metadata entry): what it allows, where, and why."""

    path: str
    pos: Pos
    targets: list[str]
    address: str | None
    reason: str
    used: bool = False
    resources: set[str]  # the resources it is attached to

    def __init__(
        self,
        path: str,
        pos: Pos,
        targets: list[str],
        address: str | None,
        reason: str,
        used: bool = False,
        resources: set[str] = FRESH,
    ) -> None:
        self.path = path
        self.pos = pos
        self.targets = targets
        self.address = address
        self.reason = reason
        self.used = used
        self.resources = set() if resources is FRESH else resources

    def matches(self, finding: Finding) -> bool:
        keys = {finding.rule.lower(), finding.name.lower(), finding.category.value.lower(), "all"}
        if finding.category.value == "protection-removed":
            keys.add("protection")
        return any(t.lower() in keys for t in self.targets)


def _is_target(word: str) -> bool:
    """A rule code or name, a category, or one of the catch-alls `all` / `protection`."""
    from iaclint.engine.registry import lookup

    w = word.lower()
    return bool(_CODE.match(word)) or lookup(word) is not None or w in {c.value for c in Category} | {"all", "protection"}


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
        if "." in w or "[" in w:
            address = w
        elif targets and address is None and not _is_target(w):
            address = w  # a bare name after the targets: a CloudFormation logical ID
        else:
            targets.append(w)
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
