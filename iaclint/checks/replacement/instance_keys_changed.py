from __future__ import annotations

from typing import Iterator

from iaclint.checks.common import module_loss, severity_for, what_holds
from iaclint.engine.check import Check, Context
from iaclint.core.model import Location, Category, ChangeKind, Finding, Severity, StackDiff
from iaclint.core.facts import TerraformFacts


class InstanceKeysChanged(Check):
    """## What it does
    Flags a Terraform resource whose instances change keys: `count` converted to `for_each` (or
    back), or `for_each` added to or removed from a single resource, without `moved` blocks for
    the instances.

    ## Why is this bad?
    Instances are addressed `x.y[0]` under `count` and `x.y["key"]` under `for_each`. Changing the
    scheme gives every instance a new address: all of them are destroyed and re-created.

    ## Example
    ```hcl
    resource "aws_sqs_queue" "q" {
      for_each = toset(["a", "b"])   # was: count = 2
    }
    ```

    ## Use instead
    Add one `moved` block per instance:
    ```hcl
    moved {
      from = aws_sqs_queue.q[0]
      to   = aws_sqs_queue.q["a"]
    }
    ```
    """

    code = "IAC105"
    name = "instance-keys-changed"
    category = Category.REPLACEMENT
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        moved_from = diff.moved_from
        for change in diff.changes:
            if change.kind not in (ChangeKind.MODIFIED, ChangeKind.MOVED):
                continue
            if change.after.language != "terraform":
                continue
            b, a = change.before, change.after
            before_scheme = "count" if "count" in b.meta else "for_each" if "for_each" in b.meta else None
            after_scheme = "count" if "count" in a.meta else "for_each" if "for_each" in a.meta else None
            if before_scheme == after_scheme:
                continue
            # Terraform moves x.y <-> x.y[0] by itself when count is added or removed
            if {before_scheme, after_scheme} == {None, "count"}:
                continue
            # a single instance is moved from its bare address: `from = x.y  to = x.y["a"]`
            if any(m.startswith(b.address + "[") or (before_scheme is None and m == b.address) for m in moved_from):
                continue
            old = f"{b.address}[...]" if before_scheme else b.address
            fix = _moved_blocks(b, a)
            yield self.finding(
                a,
                f"{a.address}: switching from {before_scheme or 'a single instance'} to "
                f"{after_scheme or 'a single instance'} gives every instance a new address: "
                f"{old} is destroyed and re-created{what_holds(ctx, a)}",
                help="add a `moved` block for each instance, from its old address to its new one",
                severity=severity_for(ctx, a),
                pos=a.pos_of(after_scheme) if after_scheme else a.pos,
                fix=fix,
                replaces=a.address,
            )
        # The same holds for a module call: every resource in it gets a new address.
        for b_call, a_call in diff.facts.module_calls_kept if isinstance(diff.facts, TerraformFacts) else []:
            before_scheme = _scheme(b_call.meta)
            after_scheme = _scheme(a_call.meta)
            if before_scheme == after_scheme or {before_scheme, after_scheme} == {None, "count"}:
                continue
            if any(m == b_call.address or m.startswith(b_call.address + "[") for m in moved_from):
                continue
            anchor = Location(a_call.address, a_call.path, a_call.pos)
            inside, severity = module_loss(ctx, diff, a_call)
            yield self.finding(
                anchor,
                f"{a_call.address}: switching from {before_scheme or 'a single instance'} to "
                f"{after_scheme or 'a single instance'} gives every module instance a new address: everything in "
                f"it is destroyed and re-created{inside}",
                help="add a `moved` block for each instance, from its old address to its new one",
                severity=severity,
            )


def _scheme(meta: dict) -> str | None:
    return "count" if "count" in meta else "for_each" if "for_each" in meta else None


def _moved_blocks(b, a) -> str | None:
    """Exact moved blocks when both sides' keys are known statically and pair up one to one."""
    old_keys = _keys(b)
    new_keys = _keys(a)
    if old_keys is None or new_keys is None or len(old_keys) != len(new_keys):
        return None
    blocks = []
    for ok, nk in zip(old_keys, new_keys):
        blocks.append(f"moved {{\n  from = {b.address}{ok}\n  to   = {a.address}{nk}\n}}")
    return "\n".join(blocks)


def hcl_string(text: str) -> str:
    """A quoted HCL string whose value is exactly `text`: nothing in it is interpolated
    (`${`, `%{`) and no quote or backslash ends it early. Keys come from the user's files."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return '"' + out.replace("${", "$${").replace("%{", "%%{") + '"'


def _keys(r) -> list[str] | None:
    if "count" in r.meta:
        n = r.meta["count"]
        return [f"[{i}]" for i in range(n)] if isinstance(n, int) and not isinstance(n, bool) else None
    if "for_each" in r.meta:
        v = r.meta["for_each"]
        if isinstance(v, dict):
            return [f"[{hcl_string(str(k))}]" for k in v]
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            return [f"[{hcl_string(k)}]" for k in v]
        return None
    return [""]
