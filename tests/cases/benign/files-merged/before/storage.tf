resource "google_storage_bucket" "app" {
  name                        = "acme-app-data"
  location                    = "EUROPE-WEST1"
  uniform_bucket_level_access = true
}

resource "google_sql_database_instance" "app" {
  name             = "app"
  region           = "europe-west1"
  database_version = "POSTGRES_16"

  settings {
    tier = "db-custom-1-3840"
  }
}
