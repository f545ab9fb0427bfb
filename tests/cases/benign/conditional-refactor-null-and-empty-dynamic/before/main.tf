variable "replicate_source_db" {
  type    = string
  default = null
}

variable "engine" {
  type    = string
  default = "postgres"
}

variable "restore_to_point_in_time" {
  type    = map(string)
  default = null
}

locals {
  engine   = var.replicate_source_db != null ? null : var.engine
  username = var.replicate_source_db != null ? null : "app"
}

resource "aws_db_instance" "this" {
  identifier     = "orders"
  engine         = local.engine
  username       = local.username
  instance_class = "db.t3.micro"
}
