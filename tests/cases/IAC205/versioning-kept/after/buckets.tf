resource "aws_s3_bucket" "documents" {
  bucket = "acme-legal-documents"
}

resource "aws_s3_bucket_versioning" "documents" {
  bucket = aws_s3_bucket.documents.id

  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Disabled"
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

  soft_delete_policy {
    retention_duration_seconds = 1209600
  }

  versioning {
    enabled = true
  }
}
