resource "aws_instance" "worker" {
  ami                         = "ami-0abcdef1234567890"
  instance_type               = "m7i.large"
  subnet_id                   = "subnet-0123456789abcdef0"
  user_data_replace_on_change = var.replace_on_user_data
  user_data                   = file("${path.module}/worker-v2.sh")
}

variable "replace_on_user_data" {
  type = bool
}
