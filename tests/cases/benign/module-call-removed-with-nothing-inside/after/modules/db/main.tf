variable "create" {
  default = true
}

resource "aws_db_instance" "this" {
  count          = var.create ? 1 : 0
  engine         = "postgres"
  instance_class = "db.t3.micro"
}
