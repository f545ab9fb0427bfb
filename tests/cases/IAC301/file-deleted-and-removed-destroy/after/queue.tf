# Retired with the v1 batch runner; destroy it (it is drained).
removed {
  from = aws_sqs_queue.batch

  lifecycle {
    destroy = true
  }
}
