resource "aws_db_instance" "db" {
  engine                   = "postgres"
  instance_class           = "db.t3.micro"
  delete_automated_backups = true
}
