resource "aws_security_group" "app" {
  name        = "app"
  description = "app servers"
  vpc_id      = "vpc-0123456789abcdef0"
}

resource "aws_security_group_rule" "app_https" {
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
  security_group_id = aws_security_group.app.id
}

resouce "aws_security_group_rule" "app_legacy_http" {
  type              = "ingress"
  from_port         = 80
  to_port           = 80
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
  security_group_id = aws_security_group.app.id
}

resource "aws_iam_role_policy_attachment" "app_ssm" {
  role       = "app"
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}
