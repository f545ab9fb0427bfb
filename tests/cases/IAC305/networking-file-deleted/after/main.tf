resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = "prod"
  task_definition = "api:42"
  desired_count   = 3
}
