resource "aws_dynamodb_table" "sessions" {
  name         = "web-sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "session_id"

  attribute {
    name = "session_id"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }
}

resource "aws_kms_key" "sessions" {
  description             = "web sessions table key"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}

resource "google_bigquery_dataset" "events" {
  dataset_id = "web_events"
  location   = "EU"
}

resource "azurerm_cosmosdb_account" "profiles" {
  name                = "cosmos-profiles"
  location            = "westeurope"
  resource_group_name = "rg-web"
  offer_type          = "Standard"

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "aws_cloudwatch_log_group" "web" {
  name              = "/web/app"
  retention_in_days = 30
}
