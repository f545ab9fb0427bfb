variable "name" {
  type = string
}

resource "aws_sns_topic" "events" {
  name         = "events"
  display_name = "${var.name} events"
}
