resource "azurerm_mssql_server" "crm" {
  name                         = "sql-crm-prod"
  resource_group_name          = "rg-crm"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "crmadmin"
  administrator_login_password = var.sql_admin_password
}

resource "azurerm_mssql_database" "crm" {
  name      = "crm"
  server_id = azurerm_mssql_server.crm.id
  sku_name  = "S0"
}

variable "sql_admin_password" {
  type      = string
  sensitive = true
}
