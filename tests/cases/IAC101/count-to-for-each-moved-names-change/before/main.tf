resource "aws_sqs_queue" "q" {
  count = 2
  name  = "q-${count.index}"
}
