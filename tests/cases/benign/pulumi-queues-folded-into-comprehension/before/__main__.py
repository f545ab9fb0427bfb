"""Jobs queues (Pulumi)."""
import pulumi
import pulumi_aws as aws

ingest = aws.sqs.Queue("ingest", visibility_timeout_seconds=60, tags={"team": "data"})
export = aws.sqs.Queue("export", visibility_timeout_seconds=60, tags={"team": "data"})

pulumi.export("ingest_url", ingest.url)
