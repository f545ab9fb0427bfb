resource "google_compute_network" "main" {
  name                    = "main"
  auto_create_subnetworks = false
}

resource "google_sql_database_instance" "orders" {
  name             = "orders-prod"
  database_version = "POSTGRES_16"
  region           = "europe-west1"

  settings {
    tier = "db-custom-2-7680"
    backup_configuration {
      enabled = true
    }
  }
}
