resource "aws_route53_zone" "internal" {
  name = "internal.acme.example"

  vpc {
    vpc_id = "vpc-0123456789abcdef0"
  }
}

resource "aws_route53_record" "api" {
  zone_id = aws_route53_zone.internal.zone_id
  name    = "api.internal.acme.example"
  type    = "CNAME"
  ttl     = 300
  records = ["internal-api-123456.eu-west-1.elb.amazonaws.com"]
}
