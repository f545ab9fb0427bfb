resource "aws_subnet" "a" {
  vpc_id     = "vpc-123"
  cidr_block = "10.0.1.0/24"
}

resource "aws_instance" "web" {
  ami       = "ami-0abcdef1234567890"
  subnet_id = aws_subnet.a.id
}
