# Renamed in PLAT-2211: "static" was misleading once the bucket started holding uploads.
moved {
  from = aws_s3_bucket.static
  to   = aws_s3_bucket.assets
}
