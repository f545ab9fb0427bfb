variable "env" {
  type = string
}

resource "aws_sqs_queue" "jobs" {
  name = "${var.env}-jobs"
}
