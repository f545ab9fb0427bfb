from __future__ import annotations

from typing import Iterator

from iaclint.checks.command.common import command_finding, invocations, quoted, terraform_call, where, words_and_options
from iaclint.core.model import Category, Finding, Severity, StackDiff
from iaclint.engine.check import Check, Context


class ReplaceCommand(Check):
    """## What it does
    Flags a command that forces resources to be destroyed and re-created: `terraform apply
    -replace=ADDRESS` (and `tofu`, `terragrunt`), `terraform taint ADDRESS` (the next apply replaces
    it), `pulumi up --replace URN` / `--target-replace URN`.

    ## Why is this bad?
    A replacement of a database, volume or bucket is its destruction: the new one starts empty,
    and everything that refers to it is replaced too. Agents force replacements to get past an
    error they do not understand.

    ## Example
    ```sh
    terraform apply -replace=aws_db_instance.orders -auto-approve
    ```

    ## Use instead
    Find out why the resource seems broken (`terraform plan` shows what would change) and fix
    the configuration. A taint is undone with `terraform untaint ADDRESS`. If the resource
    really must be replaced, a person does it after a backup.
    """

    code = "IAC402"
    name = "replace-command"
    category = Category.COMMAND
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for inv in invocations(diff):
            call = terraform_call(inv)
            if call is not None:
                if call.words == ["apply"] and not call.on("-destroy"):
                    for address in call.flags.get("-replace", []):
                        yield command_finding(
                            self, inv, address,
                            f"{quoted(inv)} destroys and re-creates {address}{where(call, inv)}: a new, empty resource",
                            f"do not force the replacement of {address}; find out why it seems broken (`terraform plan`) "
                            f"and fix the configuration. If it must be replaced, a person does it after a backup")
                elif call.words == ["taint"] and call.positional:
                    address = call.positional[0]
                    yield command_finding(
                        self, inv, address,
                        f"{quoted(inv)} marks {address} tainted: the next apply destroys and re-creates it",
                        f"undo it with `{inv.program} untaint {address}`; find out why it seems broken and fix the "
                        f"configuration instead")
                continue
            if inv.program == "pulumi":
                words, options = words_and_options(inv.args, {"--replace", "--target-replace", "--stack", "-s", "--cwd", "-C"})
                if words[:1] in (["up"], ["update"]):
                    for flag in ("--replace", "--target-replace"):
                        urn = options.get(flag)
                        if urn:
                            yield command_finding(
                                self, inv, urn, f"{quoted(inv)} destroys and re-creates {urn}: a new, empty resource",
                                "do not force a replacement; fix the program, and preview (`pulumi preview`) what changes")
