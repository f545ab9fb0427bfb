variable "name" {
  type = string
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 200
  tags = {
    Name = var.name
  }
}
