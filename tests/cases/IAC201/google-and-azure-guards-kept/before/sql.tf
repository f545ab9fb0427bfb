resource "google_sql_database_instance" "main" {
  name             = "main-pg"
  region           = "europe-west1"
  database_version = "POSTGRES_16"

  settings {
    tier                        = "db-custom-2-8192"
    deletion_protection_enabled = true
  }

  deletion_protection = true
}
