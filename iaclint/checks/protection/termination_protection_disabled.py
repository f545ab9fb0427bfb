"""IAC212 termination-protection-disabled."""

from __future__ import annotations

import json
from typing import Iterator

from iaclint.engine.check import Check, Context, is_true
from iaclint.core.model import Category, Finding, Location, Severity, StackDiff
from iaclint.core.facts import CdkFacts, CloudFormationFacts


class TerminationProtectionDisabled(Check):
    """## What it does
    Flags an AWS CDK stack whose `termination_protection=True` is removed or set to False, in
    the stack class's `super().__init__(...)` or where the app instantiates the stack, or in a
    synthesized cloud assembly's `manifest.json` (`terminationProtection`).

    ## Why is this bad?
    Termination protection makes `cdk destroy` and `aws cloudformation delete-stack` fail, so
    the stack and every resource in it cannot be deleted by accident. Turning it off is the
    first step of deleting the whole stack.

    ## Example
    ```python
    StorageStack(app, "OrdersStorage")   # was termination_protection=True
    ```

    ## Use instead
    Keep `termination_protection=True`. If the stack must go, turn it off in its own reviewed
    change.
    """

    code = "IAC212"
    name = "termination-protection-disabled"
    category = Category.PROTECTION
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        facts = diff.facts
        if isinstance(facts, CloudFormationFacts) and facts.manifest and facts.manifest_pos is not None:
            # a stack of a synthesized cloud assembly: the manifest's `terminationProtection`
            before, after = facts.termination_protection_before, facts.termination_protection_after
            if is_true(before) and not is_true(after):
                yield self.finding(
                    Location(diff.stack, facts.manifest, facts.manifest_pos),
                    f"stack {diff.stack}: `terminationProtection` {'removed' if after is None else f'set to {json.dumps(after)}'} "
                    "(was true) in the cloud assembly: the stack and everything in it can now be deleted",
                    help="keep terminationProtection: true; turn it off in its own reviewed change if the stack must go",
                )
            return
        if not isinstance(facts, CdkFacts):
            return
        before, after, pos = facts.termination_protection_before, facts.termination_protection_after, facts.stack_pos
        if not is_true(before) or is_true(after) or pos is None:
            return
        how = "removed" if after is None else f"set to {after}"
        yield self.finding(
            Location(diff.stack, diff.stack.rsplit("::", 1)[0], pos),
            f"stack {diff.stack.rsplit('::', 1)[-1]}: `termination_protection` {how} (was True): the stack and "
            f"everything in it can now be deleted",
            help="keep termination_protection=True; turn it off in its own reviewed change if the stack must go",
        )
