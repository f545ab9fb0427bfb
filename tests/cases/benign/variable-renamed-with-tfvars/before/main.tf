variable "sql_location" {
  type = string
}

variable "sql_tier" {
  type    = string
  default = "db-custom-2-7680"
}

resource "google_sql_database_instance" "ledger" {
  name             = "ledger"
  region           = var.sql_location
  database_version = "POSTGRES_15"

  settings {
    tier = var.sql_tier
  }

  deletion_protection = true
}
