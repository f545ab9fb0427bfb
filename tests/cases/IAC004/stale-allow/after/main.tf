# iaclint: allow deletion -- rate limits moved to the API gateway (PLAT-1904)
resource "aws_elasticache_cluster" "rate_limits" {
  cluster_id      = "rate-limits"
  engine          = "redis"
  node_type       = "cache.t4g.medium"
  num_cache_nodes = 1
}

resource "aws_sqs_queue" "emails" {
  name                      = "outbound-emails"
  message_retention_seconds = 345600
}
