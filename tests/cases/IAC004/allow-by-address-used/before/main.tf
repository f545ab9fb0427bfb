resource "aws_elasticache_cluster" "rate_limits" {
  cluster_id      = "rate-limits"
  engine          = "redis"
  node_type       = "cache.t4g.small"
  num_cache_nodes = 1
}

resource "aws_sqs_queue" "emails" {
  name = "outbound-emails"
}
