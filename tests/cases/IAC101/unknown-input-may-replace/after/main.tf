variable "engine" {
  type = string
}

locals {
  engine = lower(var.engine)
}

resource "aws_db_instance" "orders" {
  identifier     = "orders"
  engine         = local.engine
  instance_class = "db.t3.medium"
}
