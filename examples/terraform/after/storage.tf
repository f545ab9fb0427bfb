resource "aws_s3_bucket" "invoice_archive" {
  bucket = "acme-invoices-prod"
  tags   = local.tags
}

resource "aws_s3_bucket_versioning" "invoice_archive" {
  bucket = aws_s3_bucket.invoice_archive.id
  versioning_configuration {
    status = "Suspended"
  }
}
