from __future__ import annotations

from typing import Iterator

from iaclint.checks.command.common import AZ_VALUED, aws_call, command_finding, gcloud_words, invocations, quoted, words_and_options
from iaclint.core.model import Category, Finding, Severity, StackDiff
from iaclint.engine.check import Check, Context

_HELP = ("do not switch the protection off from the command line; if the resource must go, change its protection in "
         "the infrastructure code, where the change is reviewed")
# (service, operation, flag) -> (the option naming the resource, the protection)
_AWS = {
    ("rds", "modify-db-instance", "--no-deletion-protection"): ("--db-instance-identifier", "deletion protection"),
    ("rds", "modify-db-cluster", "--no-deletion-protection"): ("--db-cluster-identifier", "deletion protection"),
    ("docdb", "modify-db-cluster", "--no-deletion-protection"): ("--db-cluster-identifier", "deletion protection"),
    ("neptune", "modify-db-cluster", "--no-deletion-protection"): ("--db-cluster-identifier", "deletion protection"),
    ("dynamodb", "update-table", "--no-deletion-protection-enabled"): ("--table-name", "deletion protection"),
    ("cloudformation", "update-termination-protection", "--no-enable-termination-protection"): ("--stack-name", "termination protection"),
    ("ec2", "modify-instance-attribute", "--no-disable-api-termination"): ("--instance-id", "termination protection"),
}


class ProtectionDisabledCommand(Check):
    """## What it does
    Flags a command that switches off a guard against deletion: `aws rds modify-db-instance
    --no-deletion-protection` (and `modify-db-cluster`), `aws dynamodb update-table
    --no-deletion-protection-enabled`, `aws cloudformation update-termination-protection
    --no-enable-termination-protection`, `aws ec2 modify-instance-attribute
    --no-disable-api-termination`, S3 versioning suspended with `aws s3api put-bucket-versioning`,
    `gcloud sql instances patch --no-deletion-protection`, `az lock delete`.

    ## Why is this bad?
    The guard is what stops a later destroy, by a person or an agent. Switched off outside the
    code, it is gone without review, and the code no longer says what is true.

    ## Example
    ```sh
    aws rds modify-db-instance --db-instance-identifier orders --no-deletion-protection --apply-immediately
    ```

    ## Use instead
    Leave it on. If the resource must go, change the protection in the infrastructure code, where
    the change is reviewed (iaclint reports it there as IAC201).
    """

    code = "IAC406"
    name = "protection-disabled-command"
    category = Category.COMMAND
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for inv in invocations(diff):
            call = aws_call(inv)
            if call is not None:
                for (service, operation, flag), (option, what) in _AWS.items():
                    if (call.service, call.operation) == (service, operation) and call.has(flag):
                        name = call.value(option)
                        yield command_finding(self, inv, name, f"{quoted(inv)} switches off the {what} of {name}", _HELP)
                if (call.service, call.operation) == ("s3api", "put-bucket-versioning") and \
                        "suspended" in call.value("--versioning-configuration").lower():
                    bucket = call.value("--bucket")
                    yield command_finding(self, inv, bucket, f"{quoted(inv)} suspends versioning of {bucket}: overwritten "
                                          f"and deleted objects are no longer kept", _HELP)
                continue
            read = gcloud_words(inv)
            if read is not None:
                words, options = read
                if words[:3] == ["sql", "instances", "patch"] and "--no-deletion-protection" in options:
                    name = words[3] if len(words) > 3 else ""
                    yield command_finding(self, inv, name, f"{quoted(inv)} switches off the deletion protection of {name}", _HELP)
                continue
            if inv.program == "az":
                words, options = words_and_options(inv.args, AZ_VALUED)
                if words[:2] == ["lock", "delete"]:
                    name = options.get("--name") or options.get("-n") or options.get("--lock-name") or ""
                    yield command_finding(self, inv, name, f"{quoted(inv)} deletes the management lock {name}".rstrip(),
                                          _HELP)
