data "aws_ami" "this" {
  most_recent = true
  owners      = ["amazon"]
}

output "ami_id" {
  value = data.aws_ami.this.id
}
