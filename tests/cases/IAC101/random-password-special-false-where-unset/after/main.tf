resource "random_password" "db" {
  length  = 24
  special = false # the driver rejects symbols
}
