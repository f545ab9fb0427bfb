"""Orders service: an ingest stack and a reporting stack."""
import aws_cdk as cdk
from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class IngestStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ingest = Construct(self, "Ingest")
        dead_letters = sqs.Queue(ingest, "DeadLetters", retention_period=Duration.days(14))
        s3.Bucket(ingest, "Landing", bucket_name="orders-ingest-landing", removal_policy=RemovalPolicy.RETAIN)
        sqs.Queue(ingest, "Work", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=dead_letters))
        dynamodb.Table(ingest, "State", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING))


class ReportingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        reports = Construct(self, "Reports")
        dead_letters = sqs.Queue(reports, "DeadLetters", retention_period=Duration.days(14))
        s3.Bucket(reports, "Landing", bucket_name="orders-reports-landing", removal_policy=RemovalPolicy.RETAIN)
        sqs.Queue(reports, "Work", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=dead_letters))
        dynamodb.Table(reports, "State", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING))
        s3.Bucket(self, "Exports")


app = cdk.App()
IngestStack(app, "OrdersIngest")
ReportingStack(app, "OrdersReporting")
app.synth()
