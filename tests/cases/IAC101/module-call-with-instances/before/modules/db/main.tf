variable "engine" {
  type = string
}

variable "create_audit_queue" {
  type    = bool
  default = true
}

resource "aws_sqs_queue" "audit" {
  count = var.create_audit_queue ? 1 : 0
  name  = "db-audit"
}
