resource "aws_db_instance" "main" {
  identifier = "app-db"
  engine = "postgres"
  engine_version    = "16.3"
  instance_class="db.t4g.medium"
  allocated_storage = 50
  storage_encrypted = true
  username = "app"
  manage_master_user_password = true
  deletion_protection = true
  tags = { Name = "app-db", Team="app" }
  lifecycle {
      prevent_destroy = true
  }
}
resource "aws_security_group" "db" {
  name = "app-db"
  description = "app database"
  vpc_id = "vpc-0123456789abcdef0"
  ingress {
  from_port = 5432
  to_port = 5432
  protocol = "tcp"
  cidr_blocks = [ "10.0.0.0/16" , "10.1.0.0/16" ]
  }
}



resource "google_compute_disk" "data" {
  name  = "app-data"
  zone  = "europe-west1-b"
  size  = 100
  type  = "pd-balanced"
}
