resource "aws_launch_template" "unused" {
  name_prefix   = "web-"
  image_id      = "ami-0abcdef1234567890"
  instance_type = "t3.small"
}

resource "aws_instance" "web" {
  ami                         = "ami-0abcdef1234567890"
  instance_type               = "t3.small"
  subnet_id                   = "subnet-0123456789abcdef0"
  vpc_security_group_ids = ["sg-0fedcba9876543210"]

  user_data = <<-EOT
    #!/bin/bash
    apt-get update
    apt-get install -y nginx certbot
    systemctl enable --now nginx
  EOT

  tags = {
    Name = "web-1"
  }
}

resource "aws_eip" "web" {
  instance = aws_instance.web.id
  domain   = "vpc"
}
