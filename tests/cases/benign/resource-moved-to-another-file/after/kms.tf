resource "aws_kms_key" "data" {
  description             = "data at rest"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}
