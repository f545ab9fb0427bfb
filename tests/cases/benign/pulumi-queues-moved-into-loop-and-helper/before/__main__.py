"""Jobs queues (Pulumi)."""
import pulumi
import pulumi_aws as aws

ingest = aws.sqs.Queue("jobs-ingest", visibility_timeout_seconds=60, message_retention_seconds=345600)
export = aws.sqs.Queue("jobs-export", visibility_timeout_seconds=300, message_retention_seconds=1209600,
                       tags={"team": "data"})
