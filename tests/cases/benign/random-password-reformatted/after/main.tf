resource "random_password" "db" {
  special = false # no symbols: the database driver rejects them
  length = 24
}
