resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = aws_vpc.main.id
}

resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.a.id
}

resource "aws_db_instance" "orders" {
  engine                 = "postgres"
  instance_class         = "db.t3.micro"
  availability_zone      = aws_subnet.a.availability_zone
  vpc_security_group_ids = [aws_security_group.db.id]
}

resource "aws_route53_record" "web" {
  zone_id = "Z123"
  name    = "web.example.com"
  type    = "A"
  records = [aws_instance.web.private_ip]
}
