resource "aws_kms_key" "sessions" {
  description             = "web sessions table key"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}

resource "aws_cloudwatch_log_group" "web" {
  name              = "/web/app"
  retention_in_days = 30
}
