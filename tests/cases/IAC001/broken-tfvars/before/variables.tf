variable "prefix" {
  type = string
}

variable "owner" {
  type    = string
  default = "platform"
}
