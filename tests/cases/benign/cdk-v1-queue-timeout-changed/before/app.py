#!/usr/bin/env python3
"""A CDK v1 app: `aws_cdk.core` and one package per service."""
from aws_cdk import core
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk.core import Duration, RemovalPolicy
import aws_cdk.aws_s3 as s3
import aws_cdk.aws_sqs as sqs


class Storage(core.Construct):
    def __init__(self, scope: core.Construct, id: str) -> None:
        super().__init__(scope, id)
        s3.Bucket(self, "Invoices", removal_policy=RemovalPolicy.DESTROY)
        dynamodb.Table(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        )


class OrdersStack(core.Stack):
    def __init__(self, scope: core.Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        Storage(self, "Storage")
        sqs.Queue(self, "Jobs", visibility_timeout=Duration.seconds(60))


app = core.App()
OrdersStack(app, "Orders")
app.synth()
