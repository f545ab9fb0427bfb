resource "aws_s3_bucket" "tfstate" {
  bucket = "acme-terraform-state"
}

resource "aws_dynamodb_table" "locks" {
  name         = "terraform-locks"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"

  attribute {
    name = "LockID"
    type = "S"
  }

  lifecycle {
    prevent_destroy = false
    ignore_changes  = [read_capacity, write_capacity]
  }
}

resource "azurerm_storage_account" "tfstate" {
  name                     = "acmetfstate"
  resource_group_name      = "rg-tfstate"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"

  lifecycle {
    prevent_destroy = true
  }
}
