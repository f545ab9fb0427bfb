resource "aws_dynamodb_table" "feature_flags" {
  name         = "feature-flags"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "flag"

  attribute {
    name = "flag"
    type = "S"
  }
}

resource "aws_s3_bucket" "flag_snapshots" {
  bucket = "acme-feature-flag-snapshots"
}
