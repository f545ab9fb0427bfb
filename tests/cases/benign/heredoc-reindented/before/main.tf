resource "aws_iam_policy" "read_logs" {
  name        = "read-logs"
  description = "read application logs"
  policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"],
      "Resource": "*"
    }
  ]
}
EOT
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = "subnet-0aaa1111bbbb2222c"
  user_data_replace_on_change = true
  user_data                   = <<EOF
#!/bin/sh
yum install -y amazon-ssm-agent
systemctl enable --now amazon-ssm-agent
EOF
}
