resource "azurerm_resource_group" "rg" {
  name     = "rg-analytics"
  location = "westeurope"
}

resource "azurerm_mssql_server" "sql" {
  name                         = "sql-analytics"
  resource_group_name          = azurerm_resource_group.rg.name
  location                     = azurerm_resource_group.rg.location
  version                      = "12.0"
  administrator_login          = "analytics"
  administrator_login_password = var.sql_password
}

resource "azurerm_mssql_database" "db" {
  name      = "analytics"
  server_id = azurerm_mssql_server.sql.id
  sku_name  = "S1"
}

variable "sql_password" {
  type      = string
  sensitive = true
}
