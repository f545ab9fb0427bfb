resource "aws_vpc" "legacy" {
  cidr_block           = "10.50.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_subnet" "legacy_a" {
  vpc_id            = aws_vpc.legacy.id
  cidr_block        = "10.50.1.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "legacy_b" {
  vpc_id            = aws_vpc.legacy.id
  cidr_block        = "10.50.2.0/24"
  availability_zone = "eu-west-1b"
}

resource "aws_internet_gateway" "legacy" {
  vpc_id = aws_vpc.legacy.id
}

resource "aws_route_table" "legacy_public" {
  vpc_id = aws_vpc.legacy.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.legacy.id
  }
}

resource "aws_route_table_association" "legacy_a" {
  subnet_id      = aws_subnet.legacy_a.id
  route_table_id = aws_route_table.legacy_public.id
}
