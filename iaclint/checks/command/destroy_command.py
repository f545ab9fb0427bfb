from __future__ import annotations

from typing import Iterator

from iaclint.checks.command.common import (
    AZ_VALUED, aws_call, command_finding, first, gcloud_words, invocations, quoted, terraform_call, where,
    words_and_options,
)
from iaclint.core.model import Category, Finding, Severity, StackDiff
from iaclint.engine.check import Check, Context

_HELP = ("do not run it; to remove a resource, delete its block and review the plan. If the whole stack must go, "
         "a person runs this after backing up its data")


_CDK_VALUED = {"--app", "-a", "--context", "-c", "--profile", "--output", "-o", "--role-arn", "-r", "--plugin", "-p",
               "--toolkit-stack-name", "--ca-bundle-path", "--proxy", "--build"}


class DestroyCommand(Check):
    """## What it does
    Flags a command that destroys a whole stack: `terraform destroy` (and `tofu`, `terragrunt`,
    `terragrunt run-all destroy`, `terraform apply -destroy`), `cdk destroy`, `pulumi destroy`,
    `pulumi stack rm`, `aws cloudformation delete-stack`, `az group delete`, `gcloud projects delete`.

    ## Why is this bad?
    One command deletes every resource the stack manages, databases and buckets included, and
    with `-auto-approve` or `--force` nobody is asked. Agents run it to "start clean" after an
    apply went wrong.

    ## Example
    ```sh
    cd infra && terraform destroy -auto-approve
    ```

    ## Use instead
    Fix the configuration and apply the difference, reviewing the plan. To remove one resource,
    delete its block (iaclint checks that change). If the stack really must go, a person runs the
    destroy after taking backups.
    """

    code = "IAC401"
    name = "destroy-command"
    category = Category.COMMAND
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for inv in invocations(diff):
            yield from self._judge(inv)

    def _judge(self, inv) -> Iterator[Finding]:
        call = terraform_call(inv)
        if call is not None:
            destroys = call.words == ["destroy"] or (call.words == ["apply"] and call.on("-destroy"))
            if destroys:
                targets = call.flags.get("-target", [])
                what = (f"{', '.join(targets)} and everything that depends on {'them' if len(targets) > 1 else 'it'}" if targets
                        else "every resource of the configuration")
                yield command_finding(self, inv, ", ".join(targets) or (call.chdir or inv.cwd or inv.program),
                                      f"{quoted(inv)} destroys {what}{where(call, inv)}", _HELP)
            return
        words = words_and_options(inv.args, _CDK_VALUED)[0] if inv.program == "cdk" else []
        if first(words) == "destroy":
            stacks = words[1:]
            yield command_finding(self, inv, ", ".join(stacks) or "cdk app",
                                  f"{quoted(inv)} deletes the CDK stack{'s' if len(stacks) != 1 else ''} "
                                  f"{', '.join(stacks) or 'of the app'} and every resource in them that is not retained",
                                  _HELP)
            return
        if inv.program == "pulumi":
            words, options = words_and_options(inv.args, {"--stack", "-s", "--cwd", "-C", "--config-file", "--target", "-t"})
            stack = options.get("--stack") or options.get("-s") or ""
            if first(words) in ("destroy", "down"):
                yield command_finding(self, inv, stack or "pulumi stack",
                                      f"{quoted(inv)} destroys every resource of the Pulumi stack{' ' + stack if stack else ''}",
                                      _HELP)
            elif words[:2] == ["stack", "rm"]:
                name = first(words[2:], stack)
                forced = "--force" in options or "-f" in options
                yield command_finding(self, inv, name or "pulumi stack",
                                      f"{quoted(inv)} deletes the Pulumi stack{' ' + name if name else ''}, its state and "
                                      f"history" + ("; with --force, even while it still manages resources, which are "
                                                    "left in the cloud with nothing to manage them" if forced else ""),
                                      _HELP)
            return
        aws = aws_call(inv)
        if aws is not None:
            if (aws.service, aws.operation) == ("cloudformation", "delete-stack"):
                stack = aws.value("--stack-name")
                yield command_finding(self, inv, stack, f"{quoted(inv)} deletes the CloudFormation stack {stack} and every "
                                      f"resource in it without DeletionPolicy: Retain", _HELP)
            return
        if inv.program == "az":
            words, options = words_and_options(inv.args, AZ_VALUED)
            if words[:2] == ["group", "delete"]:
                group = options.get("--name") or options.get("-n") or options.get("--resource-group") or options.get("-g") or ""
                yield command_finding(self, inv, group, f"{quoted(inv)} deletes the resource group {group} and every "
                                      f"resource in it", _HELP)
            return
        gcloud = gcloud_words(inv)
        if gcloud is not None and gcloud[0][:2] == ["projects", "delete"]:
            project = first(gcloud[0][2:], gcloud[1].get("--project") or "")
            yield command_finding(self, inv, project, f"{quoted(inv)} deletes the Google Cloud project {project}: every "
                                  f"service in it stops at once, and its resources are deleted after 30 days", _HELP)
