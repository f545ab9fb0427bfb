"""Orders infrastructure (Pulumi)."""
import pulumi
import pulumi_aws as aws

ENV = pulumi.get_stack()
PREFIX = "orders"


def log_bucket(name: str) -> aws.s3.Bucket:
    return aws.s3.Bucket(f"{PREFIX}-{name}-logs", force_destroy=False)


assets = aws.s3.Bucket(
    "assets",
    bucket="orders-assets-prod",
)

db = aws.rds.Instance(
    "orders-db",
    engine="postgres",
    instance_class="db.t3.medium",
    allocated_storage=20,
    deletion_protection=True,
    opts=pulumi.ResourceOptions(retain_on_delete=True),
)

queue = aws.sqs.Queue(f"{PREFIX}-jobs", visibility_timeout_seconds=30)
log_bucket("access")

pulumi.export("bucket", assets.id)
