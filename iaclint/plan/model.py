"""What a plan or change set says, as iaclint keeps it: the planned changes (matched with the
static findings by `plan.combine`), the verdicts the rules read (`PlanFacts`), and the findings
the rules draw from them. The readers are `languages/terraform/plan.py` and
`languages/cloudformation/changeset.py`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from iaclint.core.addresses import strip_keys  # noqa: F401  (the plan API)
from iaclint.core.facts import PlanFacts
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
    facts: PlanFacts | None = None  # the verdicts the rules read (one stack diff)

    def by_key(self) -> dict[str, list[PlannedChange]]:
        out: dict[str, list[PlannedChange]] = {}
        for c in self.changes:
            out.setdefault(c.key, []).append(c)
            if c.previous and c.previous != c.key:
                out.setdefault(c.previous, []).append(c)
        return out


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
