resource "aws_s3_bucket" "uploads" {
  bucket = "acme-customer-uploads"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_db_instance" "uploads_meta" {
  identifier                = "uploads-meta"
  engine                    = "postgres"
  instance_class            = "db.t4g.small"
  allocated_storage         = 20
  username                  = "uploads"
  manage_master_user_password = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "uploads-meta-final"
}

resource "google_storage_bucket" "mirror" {
  name     = "acme-customer-uploads-mirror"
  location = "EU"
}
