variable "app_password" {
  type      = string
  sensitive = true
}
