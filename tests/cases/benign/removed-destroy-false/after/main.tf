resource "google_pubsub_topic" "ingest" {
  name = "metrics-ingest"
}

# Bigtable moved to the data-platform project's configuration (DP-310); keep the data.
removed {
  from = google_bigtable_instance.metrics

  lifecycle {
    destroy = false
  }
}

removed {
  from = google_bigtable_table.samples

  lifecycle {
    destroy = false
  }
}
