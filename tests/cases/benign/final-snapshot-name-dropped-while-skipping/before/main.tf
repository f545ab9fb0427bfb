resource "aws_db_instance" "replica" {
  instance_class            = "db.t3.micro"
  replicate_source_db       = "orders"
  skip_final_snapshot       = true
  final_snapshot_identifier = "replica-final"
}
