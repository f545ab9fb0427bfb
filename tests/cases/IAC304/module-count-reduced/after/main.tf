module "worker" {
  source = "./modules/worker"
  count  = 1

  name = "render-${count.index}"
}

module "tenant_db" {
  source  = "terraform-aws-modules/rds/aws"
  version = "6.5.4"

  for_each = toset(["acme"])

  identifier        = "tenant-${each.key}"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20
}
