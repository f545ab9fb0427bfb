"""Construct ids built from known values: f-strings, str.format and %."""
import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

ENV = "prod"
SHARDS = 2


class Svc(cdk.Stack):
    def __init__(self, scope: Construct, id: str, stage: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        s3.Bucket(self, "Assets-" + ENV, removal_policy=cdk.RemovalPolicy.DESTROY)
        s3.Bucket(self, f"Logs{stage.title()}", removal_policy=cdk.RemovalPolicy.DESTROY)
        sqs.Queue(self, "Jobs{s}".format(s=stage))
        for i in range(SHARDS):
            dynamodb.Table(
                self,
                "Orders%02d" % i,
                partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
                removal_policy=cdk.RemovalPolicy.DESTROY,
            )


app = cdk.App()
Svc(app, "Svc", stage="blue")
app.synth()
