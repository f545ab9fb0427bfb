resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
  tags = {
    team = "platform"
  }
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "web servers (tidied up)"
}

resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

module "app" {
  source = "./modules/app"
  name   = "app"
}
