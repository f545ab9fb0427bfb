resource "google_pubsub_topic" "events" {
  name    = "order-events"
  project = "acme-orders"

  message_retention_duration = "86400s"
}

resource "google_pubsub_subscription" "events_bq" {
  name    = "order-events-bq"
  project = "acme-orders"
  topic   = google_pubsub_topic.events.id

  ack_deadline_seconds = 60
}
