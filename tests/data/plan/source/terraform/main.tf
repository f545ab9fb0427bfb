resource "aws_db_instance" "orders" {
  identifier          = "orders"
  engine              = "mysql"
  engine_version      = "8.0"
  instance_class      = "db.t3.medium"
  deletion_protection = false
  username            = "app"
  password            = var.db_password
}

# iaclint: allow IAC101 -- the web fleet is immutable; replacing instances is the deploy
resource "aws_instance" "web" {
  count         = 1
  ami           = "ami-9f8e7d6c"
  instance_type = "t3.micro"
}

variable "db_password" {
  type      = string
  sensitive = true
}
