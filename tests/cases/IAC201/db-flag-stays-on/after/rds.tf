resource "aws_rds_cluster" "ledger" {
  cluster_identifier      = "ledger"
  engine                  = "aurora-postgresql"
  engine_version          = "15.4"
  master_username         = "ledger"
  manage_master_user_password = true
  db_subnet_group_name    = "private-db"
  storage_encrypted       = true
  backup_retention_period = 14
  deletion_protection     = true
}

resource "aws_rds_cluster_instance" "ledger" {
  count              = 2
  identifier         = "ledger-${count.index}"
  cluster_identifier = aws_rds_cluster.ledger.id
  instance_class     = "db.r6g.xlarge"
  engine             = aws_rds_cluster.ledger.engine
}

resource "aws_lb" "internal" {
  name                       = "ledger-internal"
  internal                   = true
  load_balancer_type         = "network"
  subnets                    = ["subnet-0aaa1111bbbb2222c"]
  enable_deletion_protection = true
}
