resource "mongodbatlas_advanced_cluster" "orders" {
  project_id                     = "5f1a2b3c4d5e6f7a8b9c0d1e"
  name                           = "orders"
  cluster_type                   = "REPLICASET"
}
