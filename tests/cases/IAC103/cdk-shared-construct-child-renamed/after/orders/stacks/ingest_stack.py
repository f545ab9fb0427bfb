from aws_cdk import Stack
from constructs import Construct

from orders.constructs import Pipeline


class IngestStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.pipeline = Pipeline(self, "Ingest", prefix="orders-ingest")
