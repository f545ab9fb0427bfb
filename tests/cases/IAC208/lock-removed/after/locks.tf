resource "azurerm_resource_group" "prod" {
  name     = "rg-payments-prod"
  location = "westeurope"
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
