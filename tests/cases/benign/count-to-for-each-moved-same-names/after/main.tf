resource "aws_sqs_queue" "q" {
  for_each = toset(["0", "1"])
  name     = "q-${each.key}"
}

# the moves keep each queue's identity, and each name stays the same
moved {
  from = aws_sqs_queue.q[0]
  to   = aws_sqs_queue.q["0"]
}

moved {
  from = aws_sqs_queue.q[1]
  to   = aws_sqs_queue.q["1"]
}
