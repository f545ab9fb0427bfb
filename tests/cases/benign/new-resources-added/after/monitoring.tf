resource "aws_cloudwatch_metric_alarm" "db_storage" {
  alarm_name          = "main-db-free-storage"
  comparison_operator = "LessThanThreshold"
  evaluation_periods  = 1
  metric_name         = "FreeStorageSpace"
  namespace           = "AWS/RDS"
  period              = 300
  statistic           = "Minimum"
  threshold           = 10737418240

  dimensions = {
    DBInstanceIdentifier = aws_db_instance.main.identifier
  }
}

resource "aws_db_instance" "replica" {
  identifier          = "main-replica"
  replicate_source_db = aws_db_instance.main.identifier
  instance_class      = "db.m6g.large"
}

resource "google_monitoring_alert_policy" "bucket_size" {
  display_name = "assets bucket size"
  combiner     = "OR"

  conditions {
    display_name = "bucket > 1 TiB"
    condition_threshold {
      filter          = "resource.type = \"gcs_bucket\" AND metric.type = \"storage.googleapis.com/storage/total_bytes\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1099511627776
      duration        = "3600s"
    }
  }
}
