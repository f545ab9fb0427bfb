"""Orders storage (Pulumi)."""
import pulumi
import pulumi_aws as aws

assets = aws.s3.Bucket("orders-assets", bucket="orders-assets-prod", force_destroy=False)
jobs = aws.sqs.Queue("orders-jobs", visibility_timeout_seconds=60)

pulumi.export("bucket", assets.id)
