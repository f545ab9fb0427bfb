module "orders_queue" {
  source = "./modules/queue"

  name               = "orders"
  visibility_timeout = 120
}

resource "aws_sns_topic" "order_events" {
  name = "order-events"
}

moved {
  from = aws_sqs_queue.orders
  to   = module.orders_queue.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue.orders_dlq
  to   = module.orders_queue.aws_sqs_queue.dlq
}
