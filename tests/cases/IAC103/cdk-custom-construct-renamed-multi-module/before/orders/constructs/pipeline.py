"""A landing bucket, a work queue and a state table."""
from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .base import TaggedConstruct


class Pipeline(TaggedConstruct):
    def __init__(self, scope: Construct, construct_id: str, *, prefix: str, team: str = "data") -> None:
        super().__init__(scope, construct_id, team=team)
        self.landing = s3.Bucket(self, "Landing", bucket_name=f"{prefix}-landing", removal_policy=RemovalPolicy.RETAIN)
        self.work = sqs.Queue(
            self,
            "Work",
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=self.dead_letters),
        )
        self.state = dynamodb.Table(
            self,
            "State",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        )
