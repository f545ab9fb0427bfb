resource "aws_sqs_queue" "jobs" {
  name = "jobs-v2"
}

resource "aws_instance" "app" {
  ami           = "ami-0a1b2c3d"
  instance_type = "t3.small"
}
