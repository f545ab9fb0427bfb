resource "aws_alb" "web" {
  name               = "web-public"
  internal           = false
  load_balancer_type = "application"
  security_groups    = ["sg-0a1b2c3d4e5f67890"]
  subnets            = ["subnet-0aaa1111bbbb2222c", "subnet-0ccc3333dddd4444e"]

  enable_deletion_protection = true

  access_logs {
    bucket  = "acme-lb-logs"
    enabled = true
  }
}

resource "aws_alb_target_group" "web" {
  name     = "web"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-0123456789abcdef0"

  health_check {
    path    = "/healthz"
    matcher = "200"
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_alb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:eu-west-1:111122223333:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"

  default_action {
    type             = "forward"
    target_group_arn = aws_alb_target_group.web.arn
  }
}
