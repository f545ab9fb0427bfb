variable "azs" {
  default = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]
}

resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = "vpc-0123456789abcdef0"
  availability_zone = var.azs[count.index]
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, count.index)
}
