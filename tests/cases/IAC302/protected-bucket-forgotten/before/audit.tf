resource "aws_s3_bucket" "audit" {
  bucket = "acme-cloudtrail-audit"

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_cloudtrail" "org" {
  name                          = "org-trail"
  s3_bucket_name                = aws_s3_bucket.audit.id
  is_organization_trail         = true
  is_multi_region_trail         = true
  include_global_service_events = true
}

resource "aws_iam_role" "auditor" {
  name               = "auditor"
  assume_role_policy = data.aws_iam_policy_document.auditor_trust.json

  lifecycle {
    prevent_destroy = true
  }
}
