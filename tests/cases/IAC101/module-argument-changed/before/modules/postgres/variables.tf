variable "name" {
  type = string
}

variable "engine_version" {
  type = string
}

variable "instance_class" {
  type = string
}

variable "storage_gb" {
  type = number
}

variable "kms_key_arn" {
  type = string
}

variable "subnet_group" {
  type = string
}
