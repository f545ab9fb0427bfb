variable "region" {
  type    = string
  default = "eu-central-1"
}

variable "az" {
  type    = string
  default = "eu-central-1a"
}

resource "aws_ebs_volume" "journal" {
  availability_zone = var.az
  size              = 64
  type              = "io2"
  iops              = 3000
  encrypted         = true
}

resource "aws_instance" "broker" {
  ami               = "ami-0123456789abcdef0"
  instance_type     = "r6i.large"
  availability_zone = var.az
  subnet_id         = "subnet-0aaa1111bbbb2222c"
}
