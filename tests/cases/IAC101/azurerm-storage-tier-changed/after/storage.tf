provider "azurerm" {
  features {}
}

resource "azurerm_resource_group" "data" {
  name     = "rg-data-weu"
  location = "westeurope"
}

resource "azurerm_storage_account" "lake" {
  name                     = "acmedatalakeweu"
  resource_group_name      = azurerm_resource_group.data.name
  location                 = azurerm_resource_group.data.location
  account_tier             = "Premium"
  account_replication_type = "GRS"
  access_tier              = "Hot"
  is_hns_enabled           = true
  min_tls_version          = "TLS1_2"

  blob_properties {
    delete_retention_policy {
      days = 14
    }
  }

  tags = {
    environment = "prod"
  }
}

resource "azurerm_storage_container" "raw" {
  name                  = "raw"
  storage_account_id    = azurerm_storage_account.lake.id
  container_access_type = "private"
}
