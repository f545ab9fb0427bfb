resource "azurerm_resource_group" "prod" {
  name     = "rg-payments-prod"
  location = "westeurope"

  tags = {
    owner = "payments"
  }
}

resource "azurerm_management_lock" "prod_rg" {
  name       = "payments-prod-no-delete"
  scope      = azurerm_resource_group.prod.id
  lock_level = "CanNotDelete"
  notes      = "Production payments: deletions need a change ticket"
}

resource "azurerm_postgresql_flexible_server" "payments" {
  name                   = "psql-payments-prod"
  resource_group_name    = azurerm_resource_group.prod.name
  location               = azurerm_resource_group.prod.location
  version                = "16"
  sku_name               = "GP_Standard_D2s_v3"
  storage_mb             = 131072
  administrator_login    = "payments"
  administrator_password = var.pg_password
  zone                   = "1"
}

resource "azurerm_management_lock" "payments_db" {
  name       = "payments-db-read-only"
  scope      = azurerm_postgresql_flexible_server.payments.id
  lock_level = "ReadOnly"
  notes      = "Schema changes go through the migration pipeline"
}

variable "pg_password" {
  type      = string
  sensitive = true
}

resource "azurerm_management_lock" "payments_vnet" {
  name       = "payments-vnet-no-delete"
  scope      = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-payments"
  lock_level = "CanNotDelete"
}
