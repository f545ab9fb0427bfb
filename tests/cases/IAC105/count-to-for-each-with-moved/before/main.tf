variable "volumes" {
  type    = list(string)
  default = ["data", "wal"]
}

resource "aws_ebs_volume" "pg" {
  count             = length(var.volumes)
  availability_zone = "eu-west-1a"
  size              = 500
  type              = "gp3"
  encrypted         = true

  tags = {
    Name = "pg-${var.volumes[count.index]}"
  }
}

resource "aws_iam_role" "pg_backup" {
  name = "pg-backup"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "backup.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}
