resource "aws_sqs_queue" "workers" {
  count = 2
  name  = "worker-${count.index}"
}
