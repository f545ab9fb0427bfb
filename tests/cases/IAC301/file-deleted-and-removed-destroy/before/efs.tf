resource "aws_efs_file_system" "shared" {
  creation_token   = "batch-shared"
  encrypted        = true
  performance_mode = "generalPurpose"

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }
}

resource "aws_efs_mount_target" "shared_a" {
  file_system_id = aws_efs_file_system.shared.id
  subnet_id      = "subnet-0aaa1111bbbb2222c"
}
