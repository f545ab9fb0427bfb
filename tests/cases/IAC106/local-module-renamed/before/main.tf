module "redis" {
  source = "./modules/cache"

  name            = "sessions"
  node_type       = "cache.r7g.large"
  num_cache_nodes = 2
  subnet_ids      = ["subnet-0aaa1111bbbb2222c", "subnet-0ccc3333dddd4444e"]
}

resource "aws_ssm_parameter" "redis_endpoint" {
  name  = "/sessions/redis/endpoint"
  type  = "String"
  value = module.redis.endpoint
}
