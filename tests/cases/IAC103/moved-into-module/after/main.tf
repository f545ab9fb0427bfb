module "orders_queue" {
  source = "./modules/queue"

  name               = "orders"
  visibility_timeout = 120
}

resource "aws_sns_topic" "order_events" {
  name = "order-events"
}
