resource "azurerm_resource_group" "analytics" {
  name     = "rg-analytics"
  location = "westeurope"
}

resource "azurerm_mssql_server" "analytics" {
  name                         = "sql-analytics"
  resource_group_name          = azurerm_resource_group.analytics.name
  location                     = azurerm_resource_group.analytics.location
  version                      = "12.0"
  administrator_login          = "analytics"
  administrator_login_password = var.sql_password
}

resource "azurerm_mssql_database" "analytics" {
  name      = "analytics"
  server_id = azurerm_mssql_server.analytics.id
  sku_name  = "S1"
}

variable "sql_password" {
  type      = string
  sensitive = true
}

moved {
  from = azurerm_resource_group.rg
  to   = azurerm_resource_group.analytics
}

moved {
  from = azurerm_mssql_server.sql
  to   = azurerm_mssql_server.analytics
}

moved {
  from = azurerm_mssql_database.db
  to   = azurerm_mssql_database.analytics
}
