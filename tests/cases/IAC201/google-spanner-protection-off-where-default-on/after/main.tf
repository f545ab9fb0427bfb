resource "google_spanner_database" "orders" {
  instance            = "main"
  name                = "orders"
  deletion_protection = false
}
