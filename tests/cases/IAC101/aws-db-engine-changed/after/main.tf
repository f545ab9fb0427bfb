terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_db_subnet_group" "orders" {
  name       = "orders-db"
  subnet_ids = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]

  tags = {
    Team = "orders"
  }
}

resource "aws_db_instance" "orders" {
  identifier              = "orders-prod"
  engine                  = "mysql"
  engine_version          = "8.0.36"
  instance_class          = "db.r6g.large"
  allocated_storage       = 100
  storage_encrypted       = true
  db_name                 = "orders"
  username                = "orders_admin"
  password                = var.db_password
  db_subnet_group_name    = aws_db_subnet_group.orders.name
  vpc_security_group_ids  = [aws_security_group.db.id]
  backup_retention_period = 14
  deletion_protection     = true
  skip_final_snapshot     = false
  final_snapshot_identifier = "orders-prod-final"

  tags = {
    Team = "orders"
  }
}

resource "aws_security_group" "db" {
  name        = "orders-db"
  description = "Postgres access for the orders service"
  vpc_id      = "vpc-0123456789abcdef0"

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.20.0.0/16"]
  }
}

variable "db_password" {
  type      = string
  sensitive = true
}
