variable "name" {
  type = string
}

variable "node_type" {
  type = string
}

variable "num_cache_nodes" {
  type = number
}

variable "subnet_ids" {
  type = list(string)
}

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id       = var.name
  description                = "${var.name} cache"
  node_type                  = var.node_type
  num_cache_clusters         = var.num_cache_nodes
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  automatic_failover_enabled = true
  snapshot_retention_limit   = 3
}

output "endpoint" {
  value = aws_elasticache_replication_group.this.primary_endpoint_address
}
