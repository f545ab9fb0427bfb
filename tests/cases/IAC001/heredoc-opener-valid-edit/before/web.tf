resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"

  user_data = <<-EOT
    #!/bin/bash
    echo "hello"
  EOT
}
