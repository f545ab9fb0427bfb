locals {
  name_prefix = "payments"
  az          = "us-east-1a"

  common_tags = {
    Service    = "payments"
    CostCenter = "cc-4410"
  }
}

resource "aws_ebs_volume" "ledger" {
  availability_zone = local.az
  size              = 200
  type              = "gp3"
  encrypted         = true

  tags = merge(local.common_tags, { Name = "${local.name_prefix}-ledger" })
}

resource "aws_instance" "ledger" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "m6i.large"
  availability_zone      = local.az
  subnet_id              = "subnet-0aa11bb22cc33dd44"
  vpc_security_group_ids = ["sg-0123abcd4567ef890"]

  tags = merge(local.common_tags, { Name = "${local.name_prefix}-ledger" })
}

resource "aws_volume_attachment" "ledger" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.ledger.id
  instance_id = aws_instance.ledger.id
}
