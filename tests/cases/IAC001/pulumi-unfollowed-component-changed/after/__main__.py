"""Orders: a service from the platform team's component library, its queue and its password."""
import pulumi
import pulumi_aws as aws
import pulumi_random as random
from acme_platform import Service

password = random.RandomPassword("db-password", length=24, special=False)
jobs = aws.sqs.Queue("jobs", visibility_timeout_seconds=60)
service = Service("orders-api", image="orders:1.4", queue_url=jobs.url)
pulumi.export("queue", jobs.url)
