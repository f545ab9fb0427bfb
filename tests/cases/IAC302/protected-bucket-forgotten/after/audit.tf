resource "aws_cloudtrail" "org" {
  name                          = "org-trail"
  s3_bucket_name                = "acme-cloudtrail-audit"
  is_organization_trail         = true
  is_multi_region_trail         = true
  include_global_service_events = true
}

# The audit bucket and role are now owned by the security account's stack (SEC-301).
removed {
  from = aws_s3_bucket.audit

  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_iam_role.auditor

  lifecycle {
    destroy = false
  }
}
