# iaclint: allow IAC302 aws_s3_bucket.legacy_exports -- emptied and signed off in DATA-77
resource "aws_ssm_parameter" "exports_bucket" {
  name  = "/exports/bucket"
  type  = "String"
  value = "acme-exports"
}
