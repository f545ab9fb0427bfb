"""The orders storage, as one component."""
import pulumi
import pulumi_aws as aws


class Storage(pulumi.ComponentResource):
    def __init__(self, name: str, *, env: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("orders:storage:Storage", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.assets = aws.s3.Bucket(f"{name}-assets", bucket=f"{name}-assets-{env}", force_destroy=False, opts=child)
        self.jobs = aws.sqs.Queue(f"{name}-jobs", visibility_timeout_seconds=60, opts=child)
        self.register_outputs({"bucket": self.assets.id})
