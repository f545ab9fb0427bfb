from __future__ import annotations

from typing import Iterator

from iaclint.checks.command.common import command_finding, invocations, quoted, terraform_call, where
from iaclint.core.model import Category, Finding, Severity, StackDiff
from iaclint.engine.check import Check, Context


class UnreviewedApplyCommand(Check):
    """## What it does
    Flags `terraform apply -auto-approve` (and `tofu`, `terragrunt`) with no saved plan file:
    the apply does whatever the configuration says at that moment, and nobody sees the plan.

    ## Why is this bad?
    The plan is where a replacement or a deletion shows. Applied without one, a destructive
    change goes through unread; applying a saved plan applies exactly what was reviewed.

    ## Example
    ```sh
    terraform apply -auto-approve
    ```

    ## Use instead
    ```sh
    terraform plan -out plan.tfplan
    terraform show -json plan.tfplan > plan.json && iaclint plan plan.json
    terraform apply plan.tfplan
    ```
    """

    code = "IAC407"
    name = "unreviewed-apply-command"
    category = Category.COMMAND
    severity = Severity.WARNING

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for inv in invocations(diff):
            call = terraform_call(inv)
            if call is None or call.words != ["apply"] or not call.on("-auto-approve"):
                continue
            if call.positional or call.on("-destroy") or call.flags.get("-replace"):
                continue  # a saved plan is what was reviewed; a destroy or replace is louder elsewhere
            yield command_finding(
                self, inv, call.chdir or inv.cwd or inv.program,
                f"{quoted(inv)} applies the configuration{where(call, inv)} without a saved plan: nobody reviews what "
                f"it replaces or destroys",
                f"run `{inv.program} plan -out plan.tfplan`, review it (`iaclint plan` reads `{inv.program} show -json "
                f"plan.tfplan`), then `{inv.program} apply plan.tfplan`")
