provider "aws" {
  region  = "eu-west-1"
  version = "~> 3.70"
}
