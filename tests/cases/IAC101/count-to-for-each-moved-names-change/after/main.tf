resource "aws_sqs_queue" "q" {
  for_each = toset(["a", "b"])
  name     = "q-${each.key}"
}

# the moves keep each queue's identity; its name still changes, and `name` forces a new queue
moved {
  from = aws_sqs_queue.q[0]
  to   = aws_sqs_queue.q["a"]
}

moved {
  from = aws_sqs_queue.q[1]
  to   = aws_sqs_queue.q["b"]
}
