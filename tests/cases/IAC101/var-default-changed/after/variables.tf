variable "environment" {
  type    = string
  default = "prod"
}

variable "db_engine" {
  description = "Database engine for the reporting replica"
  type        = string
  default     = "mariadb"
}

variable "instance_class" {
  type    = string
  default = "db.t4g.medium"
}

variable "db_password" {
  type      = string
  sensitive = true
}
