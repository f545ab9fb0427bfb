resource "google_compute_network" "app" {
  name                    = "app"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "app" {
  name          = "app-euw1"
  region        = "europe-west1"
  network       = google_compute_network.app.id
  ip_cidr_range = "10.60.0.0/20"
}

resource "google_compute_instance" "app" {
  name         = "app-1"
  zone         = "europe-west1-b"
  machine_type = "n2-standard-2"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.app.id
  }
}

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
