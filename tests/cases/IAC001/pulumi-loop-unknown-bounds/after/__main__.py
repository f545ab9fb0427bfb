"""Jobs queues (Pulumi)."""
import pulumi
import pulumi_aws as aws

queues = {name: aws.sqs.Queue(name, visibility_timeout_seconds=60, tags={"team": "data"}) for name in pulumi.Config().require_object("queues")}

pulumi.export("ingest_url", queues["ingest"].url)
