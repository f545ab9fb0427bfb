terraform {
  required_version = ">= 1.7"

  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "staging/core.tfstate"
    region = "eu-west-1"
  }
}

module "network" {
  source = "./modules/network"

  cidr = "10.70.0.0/16"
}

resource "aws_db_instance" "core" {
  identifier          = "core-staging"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  allocated_storage   = 20
  username            = "core"
  manage_master_user_password = true
  skip_final_snapshot = true
}
