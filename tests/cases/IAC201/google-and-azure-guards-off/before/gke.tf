resource "google_container_cluster" "primary" {
  name     = "primary"
  location = "europe-west1"
  project  = "acme-platform"

  remove_default_node_pool = true
  initial_node_count       = 1

  release_channel {
    channel = "REGULAR"
  }

  deletion_protection = true
}

resource "google_container_node_pool" "general" {
  name     = "general"
  cluster  = google_container_cluster.primary.id
  location = "europe-west1"

  autoscaling {
    min_node_count = 1
    max_node_count = 6
  }

  node_config {
    machine_type = "e2-standard-4"
  }
}
