"""Orders service: an ingest stack and a reporting stack, both built from orders/constructs."""
import aws_cdk as cdk

from orders.stacks.ingest_stack import IngestStack
from orders.stacks.reporting_stack import ReportingStack

app = cdk.App()
IngestStack(app, "OrdersIngest")
ReportingStack(app, "OrdersReporting")
app.synth()
