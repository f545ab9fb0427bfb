resource "aws_sns_topic" "alerts" {
  name = "ops-alerts"
}

resource "aws_sns_topic_subscription" "pager" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "https"
  endpoint  = "https://events.pagerduty.example/integration/abc123/enqueue"
}
