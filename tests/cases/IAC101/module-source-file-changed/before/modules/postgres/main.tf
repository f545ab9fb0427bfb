resource "aws_db_instance" "this" {
  identifier            = var.name
  engine                = "postgres"
  engine_version        = var.engine_version
  instance_class        = var.instance_class
  allocated_storage     = var.storage_gb
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn
  db_subnet_group_name  = var.subnet_group
  username              = "root_${var.name}"
  manage_master_user_password = true
  deletion_protection   = true
}

resource "aws_db_parameter_group" "this" {
  name   = "${var.name}-pg15"
  family = "postgres15"

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }
}
