variable "enable_ipv6" {
  type    = bool
  default = false
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id      = aws_vpc.main.id
  cidr_block  = "10.0.1.0/24"
  ipv6_native = var.enable_ipv6
}
