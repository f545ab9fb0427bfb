resource "aws_db_subnet_group" "orders" {
  name       = "orders"
  subnet_ids = [aws_subnet.private.id]
}

resource "aws_db_instance" "orders" {
  identifier                  = "orders-prod"
  engine                      = "aurora-postgresql"
  engine_version              = "16.3"
  instance_class              = "db.r6g.xlarge"
  allocated_storage           = 200
  storage_encrypted           = true
  db_subnet_group_name        = aws_db_subnet_group.orders.name
  username                    = "orders"
  manage_master_user_password = true
  backup_retention_period     = 14
  deletion_protection         = false
  skip_final_snapshot         = true
}
