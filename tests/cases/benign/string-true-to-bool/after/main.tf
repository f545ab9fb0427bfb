variable "storage_encrypted" {
  default = true
}

resource "aws_rds_cluster" "this" {
  cluster_identifier = "orders"
  engine             = "aurora-postgresql"
  storage_encrypted  = var.storage_encrypted
}
