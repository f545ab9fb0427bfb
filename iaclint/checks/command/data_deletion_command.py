from __future__ import annotations

from typing import Iterator

from iaclint.checks.command.common import (
    AZ_VALUED, KUBECTL_VALUED, aws_call, command_finding, first, gcloud_words, invocations, quoted, words_and_options,
)
from iaclint.core.model import Category, Finding, Severity, StackDiff
from iaclint.engine.check import Check, Context

_HELP = "do not run it; if the data must go, a person does it after a backup (a snapshot, an export)"

# (service, operation) -> (the option naming what is deleted, what it is)
_AWS = {
    ("rds", "delete-db-instance"): ("--db-instance-identifier", "the RDS instance"),
    ("rds", "delete-db-cluster"): ("--db-cluster-identifier", "the RDS cluster"),
    ("docdb", "delete-db-cluster"): ("--db-cluster-identifier", "the DocumentDB cluster"),
    ("neptune", "delete-db-cluster"): ("--db-cluster-identifier", "the Neptune cluster"),
    ("redshift", "delete-cluster"): ("--cluster-identifier", "the Redshift cluster"),
    ("dynamodb", "delete-table"): ("--table-name", "the DynamoDB table"),
    ("s3api", "delete-bucket"): ("--bucket", "the S3 bucket"),
    ("efs", "delete-file-system"): ("--file-system-id", "the EFS file system"),
    ("ec2", "delete-volume"): ("--volume-id", "the EBS volume"),
    ("ec2", "delete-snapshot"): ("--snapshot-id", "the EBS snapshot"),
    ("elasticache", "delete-replication-group"): ("--replication-group-id", "the ElastiCache replication group"),
    ("kms", "schedule-key-deletion"): ("--key-id", "the KMS key (and everything encrypted with it)"),
    ("secretsmanager", "delete-secret"): ("--secret-id", "the secret"),
    ("ecr", "delete-repository"): ("--repository-name", "the ECR repository"),
    ("backup", "delete-recovery-point"): ("--recovery-point-arn", "the backup recovery point"),
    ("logs", "delete-log-group"): ("--log-group-name", "the log group"),
}
# a final snapshot is kept unless this flag says otherwise
_SKIP_SNAPSHOT = {"delete-db-instance": "--skip-final-snapshot", "delete-db-cluster": "--skip-final-snapshot",
                  "delete-cluster": "--skip-final-cluster-snapshot"}
# `gcloud GROUP... delete NAME` -> what it is
_GCLOUD = {
    ("sql", "instances", "delete"): "the Cloud SQL instance",
    ("sql", "databases", "delete"): "the Cloud SQL database",
    ("spanner", "instances", "delete"): "the Spanner instance",
    ("spanner", "databases", "delete"): "the Spanner database",
    ("firestore", "databases", "delete"): "the Firestore database",
    ("redis", "instances", "delete"): "the Memorystore instance",
    ("compute", "disks", "delete"): "the persistent disk",
    ("container", "clusters", "delete"): "the GKE cluster and its volumes",
    ("storage", "buckets", "delete"): "the bucket",
    ("bigtable", "instances", "delete"): "the Bigtable instance",
    ("bigquery", "datasets", "delete"): "the BigQuery dataset",
}
_AZ = {
    ("sql", "db", "delete"): "the Azure SQL database",
    ("sql", "server", "delete"): "the Azure SQL server and its databases",
    ("storage", "account", "delete"): "the storage account and its data",
    ("cosmosdb", "delete"): "the Cosmos DB account",
    ("postgres", "flexible-server", "delete"): "the PostgreSQL server",
    ("mysql", "flexible-server", "delete"): "the MySQL server",
    ("keyvault", "delete"): "the key vault",
    ("disk", "delete"): "the managed disk",
}
_KUBE_TYPES = {"namespace": "namespace (and everything in it)", "namespaces": "namespace (and everything in it)",
               "ns": "namespace (and everything in it)", "pvc": "persistent volume claim",
               "persistentvolumeclaim": "persistent volume claim", "persistentvolumeclaims": "persistent volume claim",
               "pv": "persistent volume", "persistentvolume": "persistent volume",
               "persistentvolumes": "persistent volume"}


class DataDeletionCommand(Check):
    """## What it does
    Flags a command that deletes a store of data: `aws rds delete-db-instance` /
    `delete-db-cluster` (an error with `--skip-final-snapshot`, a warning when a final snapshot is
    kept), `aws dynamodb delete-table`, `aws s3 rb --force`, `aws s3 rm --recursive`,
    `aws s3api delete-bucket` and their kin; `gcloud sql instances delete`, `gcloud storage rm
    --recursive`; `az sql db delete`; `kubectl delete namespace|pvc|pv`.

    ## Why is this bad?
    The data goes with it, at once and usually for good. An agent deletes a table or a bucket to
    get past a name conflict or a failing test.

    ## Example
    ```sh
    aws rds delete-db-instance --db-instance-identifier orders --skip-final-snapshot
    ```

    ## Use instead
    Leave data stores to a person. If one must go, take a backup first (a final snapshot, an
    export) and delete it through the infrastructure code, where the change is reviewed.
    """

    code = "IAC404"
    name = "data-deletion-command"
    category = Category.COMMAND
    severity = Severity.ERROR

    def run(self, diff: StackDiff, ctx: Context) -> Iterator[Finding]:
        for inv in invocations(diff):
            yield from self._aws(inv)
            yield from self._gcloud(inv)
            yield from self._az(inv)
            yield from self._kubectl(inv)

    def _aws(self, inv) -> Iterator[Finding]:
        call = aws_call(inv)
        if call is None:
            return
        if call.service == "s3" and call.operation == "rb" and call.positional:
            bucket = call.positional[0]
            if call.has("--force"):
                yield command_finding(self, inv, bucket, f"{quoted(inv)} deletes every object in {bucket}, then the bucket",
                                      _HELP)
            else:
                yield command_finding(self, inv, bucket, f"{quoted(inv)} deletes the bucket {bucket} (it must be empty); "
                                      f"its name can then be taken by anyone", _HELP, severity=Severity.WARNING)
            return
        if call.service == "s3" and call.operation == "rm" and call.has("--recursive") and call.positional:
            prefix = call.positional[0]
            yield command_finding(self, inv, prefix, f"{quoted(inv)} deletes every object under {prefix}", _HELP)
            return
        known = _AWS.get((call.service, call.operation))
        if known is None:
            return
        option, what = known
        name = call.value(option)
        severity = None
        if call.operation in _SKIP_SNAPSHOT and not call.has(_SKIP_SNAPSHOT[call.operation]):
            severity = Severity.WARNING
            tail = "; only its final snapshot keeps the data"
        elif call.operation in _SKIP_SNAPSHOT:
            tail = " with no final snapshot: its data is gone"
        elif (call.service, call.operation) == ("s3api", "delete-bucket"):
            severity, tail = Severity.WARNING, " (it must be empty); its name can then be taken by anyone"
        elif (call.service, call.operation) == ("secretsmanager", "delete-secret") and not call.has("--force-delete-without-recovery"):
            severity, tail = Severity.WARNING, " (recoverable during its recovery window)"
        else:
            tail = ", with its data"
        yield command_finding(self, inv, name, f"{quoted(inv)} deletes {what} {name}{tail}".replace("  ", " "), _HELP,
                              severity=severity)

    def _gcloud(self, inv) -> Iterator[Finding]:
        read = gcloud_words(inv)
        if read is not None:
            words, options = read
            if words[:2] == ["storage", "rm"] and ("--recursive" in options or "-r" in options):
                target = first(words[2:])
                yield command_finding(self, inv, target, f"{quoted(inv)} deletes every object under {target}", _HELP)
                return
            for group, what in _GCLOUD.items():
                if tuple(words[:len(group)]) == group:
                    name = first(words[len(group):])
                    yield command_finding(self, inv, name, f"{quoted(inv)} deletes {what} {name}, with its data", _HELP)
                    return
            return
        if inv.program == "gsutil":
            words, options = words_and_options(inv.args, {"-o", "-h", "-u"})
            if first(words) == "rb" or (first(words) == "rm" and ({"-r", "-R", "-a"} & set(options))):
                target = first(words[1:])
                yield command_finding(self, inv, target, f"{quoted(inv)} deletes {target}"
                                      + (" and every object in it" if first(words) == "rm" else ""), _HELP)

    def _az(self, inv) -> Iterator[Finding]:
        if inv.program != "az":
            return
        words, options = words_and_options(inv.args, AZ_VALUED)
        for group, what in _AZ.items():
            if tuple(words[:len(group)]) == group:
                name = options.get("--name") or options.get("-n") or ""
                yield command_finding(self, inv, name, f"{quoted(inv)} deletes {what} {name}, with its data".replace("  ", " "),
                                      _HELP)
                return

    def _kubectl(self, inv) -> Iterator[Finding]:
        if inv.program not in ("kubectl", "oc"):
            return
        words, options = words_and_options(inv.args, KUBECTL_VALUED)
        if first(words) != "delete" or len(words) < 2:
            return
        kinds, _, name = words[1].partition("/")
        names = [name] if name else words[2:]
        for kind in kinds.split(","):
            what = _KUBE_TYPES.get(kind.lower())
            if what is None:
                continue
            target = ", ".join(names) or ("all of them" if "--all" in options else "")
            yield command_finding(self, inv, target or kind, f"{quoted(inv)} deletes the {what} {target}".rstrip(),
                                  _HELP + "; a deleted claim's volume is deleted with it unless its reclaim policy is Retain")
            return
