resource "aws_db_instance" "billing" {
  identifier                  = "billing-prod"
  engine                      = "postgres"
  engine_version              = "16.3"
  instance_class              = "db.m6g.2xlarge"
  allocated_storage           = 400
  max_allocated_storage       = 1000
  storage_type                = "gp3"
  storage_encrypted           = true
  username                    = "billing"
  manage_master_user_password = true
  multi_az                    = true
  backup_retention_period     = 30
  deletion_protection         = true
  apply_immediately           = false
  final_snapshot_identifier   = "billing-final"
}
