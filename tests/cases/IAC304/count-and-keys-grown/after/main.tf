variable "replica_count" {
  type    = number
  default = 4
}

resource "aws_db_instance" "read_replica" {
  count               = var.replica_count
  identifier          = "orders-replica-${count.index}"
  replicate_source_db = "orders-prod"
  instance_class      = "db.r6g.large"
  skip_final_snapshot = true
}

resource "google_storage_bucket" "regional_exports" {
  for_each = toset(["asia", "eu", "us", "sa"])

  name     = "acme-exports-${each.key}"
  location = upper(each.key)
}

resource "azurerm_storage_container" "tenant" {
  for_each = {
    acme    = "private"
    globex  = "private"
    initech = "private"
    umbrella = "private"
  }

  name                  = each.key
  storage_account_id    = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-tenants/providers/Microsoft.Storage/storageAccounts/acmetenants"
  container_access_type = each.value
}
