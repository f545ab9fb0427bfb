data "azurerm_client_config" "current" {}

resource "azurerm_key_vault" "platform" {
  name                       = "kv-platform-weu"
  location                   = "westeurope"
  resource_group_name        = "rg-platform"
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "premium"
  soft_delete_retention_days = 90
  purge_protection_enabled   = true
  enable_rbac_authorization  = true
}

resource "azurerm_key_vault_secret" "db_password" {
  name         = "db-password"
  value        = var.db_password
  key_vault_id = azurerm_key_vault.platform.id
}

variable "db_password" {
  type      = string
  sensitive = true
}
