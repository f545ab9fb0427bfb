resource "aws_db_instance" "orders" {
  identifier          = "orders-v2"
  engine              = "postgres"
  instance_class      = "db.t3.medium"
  allocated_storage   = 50
  username            = "app"
  deletion_protection = true
}
