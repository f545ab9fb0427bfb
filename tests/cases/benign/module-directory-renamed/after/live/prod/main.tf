module "orders_topic" {
  source = "../../modules/msk-topic"

  name       = "orders"
  partitions = 12
}

module "payments_topic" {
  source = "../../modules/msk-topic"

  name       = "payments"
  partitions = 6
}
