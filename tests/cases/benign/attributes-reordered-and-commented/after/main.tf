# Application database. Owned by the app team; see docs/runbooks/db.md.
resource "aws_db_instance" "main" {
  identifier     = "app-db"
  engine         = "postgres" # pinned: the app uses pg-specific JSON operators
  engine_version = "16.3"

  /* sizing */
  instance_class    = "db.t4g.medium"
  allocated_storage = 50

  // security
  storage_encrypted           = true
  username                    = "app"
  manage_master_user_password = true

  tags = { Team = "app", Name = "app-db" }

  deletion_protection = true

  lifecycle {
    prevent_destroy = true # never drop this database
  }
}

resource "aws_security_group" "db" {
  vpc_id      = "vpc-0123456789abcdef0"
  description = "app database"
  name        = "app-db"

  ingress {
    # the VPC and the peered ops VPC
    cidr_blocks = ["10.0.0.0/16", "10.1.0.0/16"]
    protocol    = "tcp"
    to_port     = 5432
    from_port   = 5432
  }
}

resource "google_compute_disk" "data" {
  type = "pd-balanced"
  size = 100
  zone = "europe-west1-b"
  name = "app-data"
}
