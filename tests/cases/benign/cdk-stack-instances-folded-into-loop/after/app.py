"""Orders service, deployed as two stacks: production and staging."""
import aws_cdk as cdk
from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

ENVIRONMENTS = {
    "prod": {"retention_days": 14},
    "staging": {"retention_days": 4},
}


def jobs_queue(scope: Construct, retention_days: int) -> sqs.Queue:
    return sqs.Queue(scope, "Jobs", retention_period=Duration.days(retention_days))


class ServiceStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, env_name: str, retention_days: int, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        s3.Bucket(self, "Uploads", bucket_name=f"orders-uploads-{env_name}", removal_policy=RemovalPolicy.RETAIN)
        jobs_queue(self, retention_days)
        cdk.Tags.of(self).add("environment", env_name)


app = cdk.App()
for env_name, settings in ENVIRONMENTS.items():
    ServiceStack(app, f"Orders{env_name.capitalize()}", env_name=env_name, **settings)
app.synth()
