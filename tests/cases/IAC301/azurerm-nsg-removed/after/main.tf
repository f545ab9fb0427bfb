resource "azurerm_resource_group" "main" {
  name     = "rg-payments"
  location = "westeurope"
}

resource "azurerm_storage_account" "invoices" {
  name                     = "acmeinvoices"
  resource_group_name      = azurerm_resource_group.main.name
  location                 = azurerm_resource_group.main.location
  account_tier             = "Standard"
  account_replication_type = "GRS"
}
