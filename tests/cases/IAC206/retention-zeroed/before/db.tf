resource "aws_db_instance" "catalog" {
  identifier              = "catalog"
  engine                  = "mysql"
  engine_version          = "8.0"
  instance_class          = "db.m6g.large"
  allocated_storage       = 100
  username                = "catalog"
  manage_master_user_password = true
  backup_retention_period = 7
  backup_window           = "02:00-03:00"
}

resource "google_sql_database_instance" "catalog_replica" {
  name             = "catalog-replica"
  region           = "us-east1"
  database_version = "MYSQL_8_0"

  settings {
    tier = "db-n1-standard-2"

    backup_configuration {
      enabled            = true
      binary_log_enabled = true
    }
  }
}
