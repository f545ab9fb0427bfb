resource "aws_db_instance" "reporting" {
  identifier          = "reporting-${var.environment}"
  engine              = var.db_engine
  instance_class      = var.instance_class
  allocated_storage   = 50
  username            = "reporter"
  password            = var.db_password
  storage_encrypted   = true
  deletion_protection = true

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "reporting_cpu" {
  alarm_name          = "reporting-${var.environment}-cpu"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "CPUUtilization"
  namespace           = "AWS/RDS"
  period              = 300
  statistic           = "Average"
  threshold           = 80

  dimensions = {
    DBInstanceIdentifier = aws_db_instance.reporting.identifier
  }
}

locals {
  tags = {
    Service     = "reporting"
    Environment = var.environment
  }
}
