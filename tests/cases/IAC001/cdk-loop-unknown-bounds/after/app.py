"""Event queues, one per event kind (the kinds now come from cdk.json's context)."""
import aws_cdk as cdk
from aws_cdk import Duration, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class EventsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        s3.Bucket(self, "Archive")
        for kind in self.node.try_get_context("event_kinds"):
            sqs.Queue(self, kind, retention_period=Duration.days(4))


app = cdk.App()
EventsStack(app, "Events")
app.synth()
