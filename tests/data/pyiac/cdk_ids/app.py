"""A CDK app whose logical IDs were recorded from a real synth (see expected_ids.json)."""
import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

PREFIX = "orders"


class Storage(Construct):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(self, "Assets")
        self.table = dynamodb.Table(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        )
        inner = Construct(self, "Inner")
        sqs.Queue(inner, "Jobs-Queue")
        s3.CfnBucket(inner, "RawBucket")
        Construct(self, "StorageCache")


def make_queue(scope: Construct, name: str) -> sqs.Queue:
    return sqs.Queue(scope, f"{name}Queue")


class AppStack(cdk.Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        s3.CfnBucket(self, "TopLevelCfn")
        s3.Bucket(self, "Logs")
        Storage(self, "Storage")
        Storage(self, "Default")
        make_queue(self, PREFIX)
        db = Construct(self, "Db")
        dynamodb.CfnTable(
            db,
            "Db",
            key_schema=[dynamodb.CfnTable.KeySchemaProperty(attribute_name="id", key_type="HASH")],
        )


app = cdk.App()
AppStack(app, "AppStack")
app.synth()
