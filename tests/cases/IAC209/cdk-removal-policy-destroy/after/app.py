"""Orders service: storage and database stacks."""
import aws_cdk as cdk
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_rds as rds
from aws_cdk import aws_s3 as s3
from constructs import Construct

ENV = "prod"
TABLE_NAME = f"orders-{ENV}"


def audit_bucket(scope: Construct, name: str) -> s3.Bucket:
    return s3.Bucket(scope, f"{name}Audit", versioned=True)


class Storage(Construct):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.assets = s3.Bucket(
            self,
            "Assets",
            bucket_name=f"assets-{ENV}",
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.table = dynamodb.Table(
            self,
            "Orders",
            table_name=TABLE_NAME,
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            removal_policy=RemovalPolicy.DESTROY,
        )


class StorageStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        self.storage = Storage(self, "Storage")
        audit_bucket(self, "Orders")


class DatabaseStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        rds.DatabaseInstance(
            self,
            "Db",
            engine=rds.DatabaseInstanceEngine.POSTGRES,
            deletion_protection=True,
        )
        dynamodb.CfnTable(
            self,
            "Sessions",
            table_name="sessions",
            key_schema=[dynamodb.CfnTable.KeySchemaProperty(attribute_name="id", key_type="HASH")],
        )


app = cdk.App()
StorageStack(app, "OrdersStorage")
DatabaseStack(app, "OrdersDatabase")
app.synth()
