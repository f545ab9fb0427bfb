resource "azurerm_resource_group" "logs" {
  name     = "rg-logs"
  location = "northeurope"
}

resource "azurerm_storage_account" "logs" {
  name                     = "acmelogsne"
  resource_group_name      = azurerm_resource_group.logs.name
  location                 = azurerm_resource_group.logs.location
  account_tier             = "Standard"
  account_replication_type = "GRS"
}
