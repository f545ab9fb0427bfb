resource "aws_cloudtrail" "org" {
  name                          = "org-trail"
  s3_bucket_name                = "acme-cloudtrail-audit"
  is_organization_trail         = true
  is_multi_region_trail         = true
  include_global_service_events = true
}
