resource "google_sql_database_instance" "billing" {
  name             = "billing-pg"
  project          = "acme-billing-prod"
  region           = "europe-west1"
  database_version = "POSTGRES_15"

  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"
    disk_size         = 50

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = "03:00"
    }

    ip_configuration {
      ipv4_enabled    = false
      private_network = "projects/acme-billing-prod/global/networks/core"
    }
  }

  deletion_protection = true
}

resource "google_sql_database" "billing" {
  name     = "billing"
  instance = google_sql_database_instance.billing.name
  project  = "acme-billing-prod"
}

resource "google_sql_user" "app" {
  name     = "billing-app"
  instance = google_sql_database_instance.billing.name
  project  = "acme-billing-prod"
  password = var.app_password
}
