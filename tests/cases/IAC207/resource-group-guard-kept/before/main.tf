resource "azurerm_resource_group" "sandbox" {
  name     = "rg-sandbox-weu"
  location = "westeurope"
}

resource "azurerm_virtual_network" "sandbox" {
  name                = "vnet-sandbox"
  location            = azurerm_resource_group.sandbox.location
  resource_group_name = azurerm_resource_group.sandbox.name
  address_space       = ["10.90.0.0/16"]
}
