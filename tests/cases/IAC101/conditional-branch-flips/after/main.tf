variable "replicate_source_db" {
  type    = string
  default = null
}

variable "engine" {
  type    = string
  default = "mysql"
}

variable "restore_to_point_in_time" {
  type    = map(string)
  default = null
}

variable "timezone" {
  type    = string
  default = null
}

locals {
  is_replica = var.replicate_source_db != null
}

# the same refactor, but the engine's default changed: the chosen branch now differs
resource "aws_db_instance" "this" {
  identifier     = "orders"
  engine         = local.is_replica ? null : var.engine
  username       = !local.is_replica ? "app" : null
  instance_class = "db.t3.micro"
  timezone       = var.timezone

  dynamic "restore_to_point_in_time" {
    for_each = var.restore_to_point_in_time != null ? [var.restore_to_point_in_time] : []
    content {
      source_db_instance_identifier = restore_to_point_in_time.value.source_db_instance_identifier
    }
  }
}
