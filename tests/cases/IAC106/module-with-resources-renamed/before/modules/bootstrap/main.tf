data "aws_ami" "this" {
  most_recent = true
  owners      = ["amazon"]
}

output "ami_id" {
  value = data.aws_ami.this.id
}

resource "aws_sqs_queue" "this" {
  name = "boot"
}
