resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

resource "aws_security_group" "web" {
  # the web tier
  description = "web servers"
  name = "web"
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

module "app" {
  source = "./modules/app"
  name   = "app"
}
