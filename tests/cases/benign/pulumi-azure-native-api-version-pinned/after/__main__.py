"""An azure-native program."""
import pulumi
import pulumi_azure_native as azure_native
from pulumi_azure_native import storage

group = azure_native.resources.ResourceGroup("orders", location="westeurope")
account = storage.StorageAccount(
    "ordersdata",
    resource_group_name=group.name,
    kind="StorageV2",
    sku=storage.SkuArgs(name="Standard_LRS"),
)
storage.v20230101.BlobContainer(
    "invoices",
    account_name=account.name,
    resource_group_name=group.name,
)
db = azure_native.dbforpostgresql.Server(
    "ordersdb",
    resource_group_name=group.name,
    version="16",
    opts=pulumi.ResourceOptions(protect=True),
)
azure_native.web.AppServicePlan("plan", resource_group_name=group.name, kind="linux", tags={"team": "orders"})
pulumi.export("account", account.name)
