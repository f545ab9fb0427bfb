variable "engine" {
  type = string
}

resource "aws_db_instance" "orders" {
  identifier     = "orders"
  engine         = var.engine
  instance_class = "db.t3.medium"
}
