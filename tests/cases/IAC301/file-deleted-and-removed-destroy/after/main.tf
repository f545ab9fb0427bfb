resource "aws_ecs_cluster" "jobs" {
  name = "batch-jobs"
}
