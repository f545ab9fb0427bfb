locals {
  event_topics = {
    orders  = "order-events"
    refunds = "refund-events"
  }
}

resource "google_pubsub_topic" "events" {
  for_each = local.event_topics

  name    = each.value
  project = "acme-orders"

  message_retention_duration = "86400s"
}

resource "google_pubsub_subscription" "events_bq" {
  name    = "order-events-bq"
  project = "acme-orders"
  topic   = google_pubsub_topic.events["orders"].id

  ack_deadline_seconds = 60
}
