module "primary" {
  source = "./modules/db"
  engine = "postgres"
}

module "replica" {
  source = "./modules/db"
  count  = 1
  engine = "postgres"
}
