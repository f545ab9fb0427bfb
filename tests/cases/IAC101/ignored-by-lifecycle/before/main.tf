resource "aws_instance" "runner" {
  ami           = data.aws_ami.ubuntu.id
  instance_type = "c6i.xlarge"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  key_name      = "ci-runners-2023"

  root_block_device {
    volume_size = 100
    volume_type = "gp3"
  }

  lifecycle {
    ignore_changes = [ami, key_name]
  }
}

data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"]

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"]
  }
}
