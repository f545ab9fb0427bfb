resource "google_bigtable_instance" "metrics" {
  name = "metrics"

  cluster {
    cluster_id   = "metrics-c1"
    zone         = "us-central1-b"
    num_nodes    = 3
    storage_type = "SSD"
  }

  deletion_protection = true
}

resource "google_bigtable_table" "samples" {
  name          = "samples"
  instance_name = google_bigtable_instance.metrics.name
}

resource "google_pubsub_topic" "ingest" {
  name = "metrics-ingest"
}
