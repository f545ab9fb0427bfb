resource "postgresql_schema" "reporting" {
  name         = "reporting"
  database     = "analytics"
  drop_cascade = true
}
