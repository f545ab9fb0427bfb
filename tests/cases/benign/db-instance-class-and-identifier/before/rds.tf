resource "aws_db_instance" "billing" {
  identifier                  = "billing"
  engine                      = "postgres"
  engine_version              = "15.6"
  instance_class              = "db.m6g.large"
  allocated_storage           = 200
  max_allocated_storage       = 1000
  storage_type                = "gp3"
  storage_encrypted           = true
  username                    = "billing"
  manage_master_user_password = true
  multi_az                    = false
  backup_retention_period     = 7
  deletion_protection         = true
  apply_immediately           = false
  final_snapshot_identifier   = "billing-final"
}
