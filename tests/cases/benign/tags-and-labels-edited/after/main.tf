locals {
  tags = {
    Environment = "prod"
    Owner       = "platform-infra"
    CostCenter  = "cc-1001"
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-prod-logs"
  tags   = local.tags
}

resource "aws_db_instance" "main" {
  identifier        = "main"
  engine            = "postgres"
  instance_class    = "db.m6g.large"
  allocated_storage = 100
  username          = "main"
  manage_master_user_password = true
  tags              = merge(local.tags, { Name = "main", Backup = "daily" })
}

resource "google_storage_bucket" "assets" {
  name     = "acme-prod-assets"
  location = "EU"
  labels = {
    env  = "prod"
    team = "web"
  }
}

resource "azurerm_storage_account" "assets" {
  name                     = "acmeprodassets"
  resource_group_name      = "rg-prod"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
  tags = {
    env        = "prod"
    compliance = "pci"
  }
}
