from aws_cdk import Stack
from aws_cdk import aws_s3 as s3
from constructs import Construct

from orders.constructs import Pipeline


class ReportingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        Pipeline(self, "Reports", prefix="orders-reports", team="analytics")
        s3.Bucket(self, "Exports")
