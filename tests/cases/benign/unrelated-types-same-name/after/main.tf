resource "aws_security_group" "this" {
  name        = "web"
  description = "web servers"
  vpc_id      = "vpc-0123456789abcdef0"
}
