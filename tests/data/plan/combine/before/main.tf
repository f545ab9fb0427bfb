resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

resource "aws_instance" "app" {
  ami           = "ami-0a1b2c3d"
  instance_type = "t3.micro"
}
