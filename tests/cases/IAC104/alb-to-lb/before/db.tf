resource "azurerm_mssql_server" "crm" {
  name                         = "sql-crm-prod"
  resource_group_name          = "rg-crm"
  location                     = "westeurope"
  version                      = "12.0"
  administrator_login          = "crmadmin"
  administrator_login_password = var.sql_admin_password
}

resource "azurerm_sql_database" "crm" {
  name                = "crm"
  resource_group_name = "rg-crm"
  location            = "westeurope"
  server_name         = azurerm_mssql_server.crm.name
  edition             = "Standard"
}

variable "sql_admin_password" {
  type      = string
  sensitive = true
}
