from __future__ import annotations

from typing import Iterator

from iaclint.checks.command.common import command_finding, invocations, quoted, terraform_call, words_and_options
from iaclint.core.model import Category, Finding, Severity, StackDiff
from iaclint.engine.check import Check, Context


class StateRemovalCommand(Check):
    """## What it does
    Flags a command that makes the tool forget resources it manages: `terraform state rm`
    (and `tofu`, `terragrunt`), `terraform workspace delete` (an error with `-force`, which
    deletes a state that still tracks resources), `pulumi state delete`, and `rm` of a local
    `terraform.tfstate` (or its backup).

    ## Why is this bad?
    The resources stay in the cloud with nothing managing them: they keep costing, nobody
    reviews them, and the next apply of a configuration that still declares them creates
    duplicates or fails on a name already taken.

    ## Example
    ```sh
    terraform state rm aws_db_instance.orders
    ```

    ## Use instead
    A `removed` block with `lifecycle { destroy = false }` (Terraform ≥ 1.7) does the same
    through a reviewed plan. If state must be edited by hand, back it up first
    (`terraform state pull > backup.tfstate`).
    """

    code = "IAC403"
    name = "state-removal-command"
    category = Category.COMMAND
    severity = Severity.WARNING

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for inv in invocations(diff):
            call = terraform_call(inv)
            if call is not None:
                if call.words == ["state", "rm"] and call.positional:
                    addresses = ", ".join(call.positional)
                    yield command_finding(
                        self, inv, addresses,
                        f"{quoted(inv)} removes {addresses} from the state: the resources stay in the cloud, unmanaged",
                        "use a `removed` block with `lifecycle { destroy = false }` so a plan shows it; or back up the "
                        "state first (`terraform state pull > backup.tfstate`)")
                elif call.words == ["workspace", "delete"] and call.positional:
                    name, forced = call.positional[0], call.on("-force")
                    yield command_finding(
                        self, inv, name,
                        f"{quoted(inv)} deletes the workspace {name}" + (
                            " and its state even while it tracks resources: they stay in the cloud, unmanaged"
                            if forced else "; its state goes with it"),
                        "destroy or move what the workspace manages first, and keep a copy of its state",
                        severity=Severity.ERROR if forced else None)
                continue
            if inv.program == "rm":
                states = [a for a in inv.args if a.endswith((".tfstate", ".tfstate.backup"))]
                if states:
                    yield command_finding(
                        self, inv, states[0],
                        f"{quoted(inv)} deletes the Terraform state {', '.join(states)}: Terraform forgets every "
                        f"resource it tracks, and the next apply creates them all again beside the old ones",
                        "keep the state; to stop managing resources use `removed` blocks, to move state use "
                        "`terraform init -migrate-state`")
                continue
            if inv.program == "pulumi":
                words, _ = words_and_options(inv.args, {"--stack", "-s", "--cwd", "-C"})
                if words[:2] == ["state", "delete"] and len(words) > 2:
                    yield command_finding(
                        self, inv, words[2],
                        f"{quoted(inv)} removes {words[2]} from the stack's state: the resource stays in the cloud, unmanaged",
                        "remove it from the program with `retain_on_delete` instead, so a preview shows it")
