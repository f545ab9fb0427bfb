resource "aws_s3_bucket" "documents" {
  bucket = "acme-legal-documents"
}

resource "aws_s3_bucket_versioning" "documents" {
  bucket = aws_s3_bucket.documents.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-finance-reports"
}

resource "aws_s3_bucket_versioning" "reports" {
  bucket = aws_s3_bucket.reports.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "google_storage_bucket" "backups" {
  name     = "acme-db-backups"
  location = "EU"

  versioning {
    enabled = true
  }
}
