"""Orders service, deployed as two stacks: production and staging."""
import aws_cdk as cdk
from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class ServiceStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, env_name: str, retention_days: int, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        s3.Bucket(self, "Uploads", bucket_name=f"orders-uploads-{env_name}", removal_policy=RemovalPolicy.RETAIN)
        sqs.Queue(self, "Jobs", retention_period=Duration.days(retention_days))


app = cdk.App()
ServiceStack(app, "OrdersProd", env_name="prod", retention_days=14)
ServiceStack(app, "OrdersStaging", env_name="staging", retention_days=4)
app.synth()
