resource "aws_s3_bucket" "new" {
  bucket = "logs"
}
