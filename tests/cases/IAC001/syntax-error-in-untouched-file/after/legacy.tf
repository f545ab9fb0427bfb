resource "aws_cloudwatch_log_group" "worker" {
  name              = "/ecs/worker"
  retention_in_days = 14
<<<<<<< HEAD
  kms_key_id = "alias/logs"
=======
>>>>>>> feature/logs
}
