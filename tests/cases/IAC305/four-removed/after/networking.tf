resource "aws_vpc" "legacy" {
  cidr_block           = "10.50.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_subnet" "legacy_a" {
  vpc_id            = aws_vpc.legacy.id
  cidr_block        = "10.50.1.0/24"
  availability_zone = "eu-west-1a"
}
