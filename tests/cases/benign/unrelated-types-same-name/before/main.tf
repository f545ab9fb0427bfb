resource "aws_autoscaling_schedule" "this" {
  scheduled_action_name  = "night"
  autoscaling_group_name = "web"
  recurrence             = "0 20 * * *"
  desired_capacity       = 0
}
