variable "manage_default_security_group" {
  default = false
}

resource "aws_vpc" "this" {
  cidr_block = "10.10.0.0/16"
}

resource "aws_default_security_group" "this" {
  count  = var.manage_default_security_group ? 1 : 0
  vpc_id = aws_vpc.this.id
}
