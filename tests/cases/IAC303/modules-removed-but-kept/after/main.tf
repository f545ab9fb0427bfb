module "media_bucket" {
  source = "./modules/bucket"

  name = "acme-media"
}

# Thumbnails and the CDN moved to the edge stack (EDGE-44): stop managing them here.
removed {
  from = module.thumbnails_bucket

  lifecycle {
    destroy = false
  }
}

removed {
  from = module.cdn

  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_route53_record.media

  lifecycle {
    destroy = false
  }
}
