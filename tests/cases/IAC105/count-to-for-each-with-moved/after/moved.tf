moved {
  from = aws_ebs_volume.pg[0]
  to   = aws_ebs_volume.pg["data"]
}

moved {
  from = aws_ebs_volume.pg[1]
  to   = aws_ebs_volume.pg["wal"]
}
