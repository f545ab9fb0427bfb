variable "region" {
  type    = string
  default = "eu-west-1"
}

locals {
  tags = {
    team    = "payments"
    service = "orders"
  }
}
