resource "aws_s3_bucket" "demo" {
  bucket = "demo-bucket-example"
}

resource "aws_sqs_queue" "demo" {
  name = "demo"
}
