variable "ami_id" {
  type    = string
  default = "ami-0fedcba9876543210"
}

variable "subnet_id" {
  type = string
}

resource "aws_instance" "legacy_app" {
  ami               = "${var.ami_id}"
  instance_type     = "m5.large"
  subnet_id         = "${var.subnet_id}"
  availability_zone = "${data.aws_subnet.app.availability_zone}"
}

data "aws_subnet" "app" {
  id = "${var.subnet_id}"
}
