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
