variable "storage_encrypted" {
  default = false
}

resource "aws_rds_cluster" "this" {
  cluster_identifier = "orders"
  engine             = "aurora-postgresql"
  storage_encrypted  = var.storage_encrypted
}
