resource "google_bigquery_table" "events" {
  dataset_id          = "analytics"
  table_id            = "events"
  deletion_protection = false
}
