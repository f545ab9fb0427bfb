module "queue" {
  source  = "terraform-aws-modules/sqs/aws"
  version = "~> 4.0"
  name    = "jobs"
}
