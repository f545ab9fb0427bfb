resource "aws_sqs_queue" "workers" {
  count = 3
  name  = "worker-${count.index}"
}
