resource "aws_s3_bucket" "audit_logs" {
  bucket = "acme-logs"
}

# renamed with its bucket and loosened: the same object, edited
resource "aws_s3_bucket_public_access_block" "audit_logs" {
  bucket                  = aws_s3_bucket.audit_logs.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = true
  restrict_public_buckets = true
}
