"""Orders service storage."""
import aws_cdk as cdk
from aws_cdk import Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class Storage(Construct):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.assets = s3.Bucket(self, "Assets", versioned=True, enforce_ssl=True)
        self.jobs = sqs.Queue(self, "Jobs", visibility_timeout=cdk.Duration.seconds(30))


class StorageStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        self.storage = Storage(self, "Storage")


app = cdk.App()
StorageStack(app, "OrdersStorage")
app.synth()
