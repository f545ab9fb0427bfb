"""Jobs queues (Pulumi): one queue per job kind, from a table, through a helper."""
import pulumi
import pulumi_aws as aws

JOBS = {
    "ingest": {"timeout": 60, "retention": 345600},
}


def job_queue(kind: str, timeout: int, retention: int) -> aws.sqs.Queue:
    return aws.sqs.Queue(f"jobs-{kind}", visibility_timeout_seconds=timeout, message_retention_seconds=retention)


queues = {}
for kind, settings in JOBS.items():
    queues[kind] = job_queue(kind, settings["timeout"], settings["retention"])

pulumi.export("queue_count", len(queues))
