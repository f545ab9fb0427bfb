variable "domain" {
  type = string
}

resource "aws_s3_bucket" "site" {
  bucket = var.domain
}

resource "aws_s3_bucket_website_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  index_document {
    suffix = "index.html"
  }
}
