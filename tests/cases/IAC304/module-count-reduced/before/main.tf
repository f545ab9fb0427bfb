module "worker" {
  source = "./modules/worker"
  count  = 3

  name = "render-${count.index}"
}

module "tenant_db" {
  source  = "terraform-aws-modules/rds/aws"
  version = "6.5.4"

  for_each = toset(["acme", "globex"])

  identifier        = "tenant-${each.key}"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20
}
