"""Data stack: an archive from the company's construct library, and the orders table."""
import aws_cdk as cdk
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from acme_constructs import SecureBucket
from constructs import Construct


class DataStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        SecureBucket(self, "Archive", retention_days=30)
        dynamodb.Table(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            removal_policy=RemovalPolicy.RETAIN,
        )


app = cdk.App()
DataStack(app, "Data")
app.synth()
