module "primary" {
  source = "./modules/db"
  engine = "postgres"
}

module "replica" {
  source = "./modules/db"
  count  = 0
  engine = "postgres"
}
