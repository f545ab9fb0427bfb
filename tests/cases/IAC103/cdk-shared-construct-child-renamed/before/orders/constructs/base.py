"""A construct every orders construct derives from: it owns a dead-letter queue."""
from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class TaggedConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, team: str) -> None:
        super().__init__(scope, construct_id)
        self.team = team
        self.dead_letters = sqs.Queue(self, "DeadLetters", retention_period=Duration.days(14))
