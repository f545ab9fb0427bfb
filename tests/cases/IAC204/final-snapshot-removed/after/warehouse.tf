resource "aws_redshift_cluster" "warehouse" {
  cluster_identifier        = "warehouse"
  database_name             = "analytics"
  master_username           = "warehouse_admin"
  manage_master_password    = true
  node_type                 = "ra3.xlplus"
  cluster_type              = "multi-node"
  number_of_nodes           = 2
  encrypted                 = true
  skip_final_snapshot       = false
}

resource "aws_elasticache_replication_group" "bi_cache" {
  replication_group_id      = "bi-cache"
  description               = "BI query cache"
  node_type                 = "cache.r7g.large"
  num_cache_clusters        = 2
  snapshot_retention_limit  = 5
  final_snapshot_identifier = ""
}
