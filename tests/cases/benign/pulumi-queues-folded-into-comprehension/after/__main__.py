"""Jobs queues (Pulumi)."""
import pulumi
import pulumi_aws as aws

QUEUES = ["ingest", "export"]

queues = {name: aws.sqs.Queue(name, visibility_timeout_seconds=60, tags={"team": "data"}) for name in QUEUES}

pulumi.export("ingest_url", queues["ingest"].url)
