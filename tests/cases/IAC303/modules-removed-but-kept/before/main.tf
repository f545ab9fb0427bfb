module "media_bucket" {
  source = "./modules/bucket"

  name = "acme-media"
}

module "thumbnails_bucket" {
  source = "./modules/bucket"

  name = "acme-thumbnails"
}

module "cdn" {
  source  = "terraform-aws-modules/cloudfront/aws"
  version = "3.4.0"

  comment             = "media CDN"
  enabled             = true
  price_class         = "PriceClass_100"
  wait_for_deployment = false
}

resource "aws_route53_record" "media" {
  zone_id = "Z0123456789ABCDEFGHIJ"
  name    = "media.acme.example"
  type    = "A"

  alias {
    name                   = module.cdn.cloudfront_distribution_domain_name
    zone_id                = module.cdn.cloudfront_distribution_hosted_zone_id
    evaluate_target_health = false
  }
}
