resource "aws_sqs_queue" "batch" {
  name = "batch-jobs"
}
