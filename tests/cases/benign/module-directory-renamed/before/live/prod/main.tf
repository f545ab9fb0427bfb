module "orders_topic" {
  source = "../../modules/kafka-topic"

  name       = "orders"
  partitions = 12
}

module "payments_topic" {
  source = "../../modules/kafka-topic"

  name       = "payments"
  partitions = 6
}
