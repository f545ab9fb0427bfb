# iaclint: allow stateful-resource-deleted aws_elasticache_cluster.rate_limits -- cache only, rebuilt on demand (PLAT-1904)

resource "aws_sqs_queue" "emails" {
  name = "outbound-emails"
}
