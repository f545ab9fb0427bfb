"""Payments: the API key of the card processor, kept in Secrets Manager."""
import aws_cdk as cdk
from aws_cdk import Stack
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class PaymentsStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        secretsmanager.Secret(self, "ProcessorKey", description="API key of the card processor (rotated quarterly)")
        sqs.Queue(self, "Settlements")


app = cdk.App()
PaymentsStack(app, "Payments")
app.synth()
