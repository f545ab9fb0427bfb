module "inventory_db" {
  source = "./modules/postgres"

  name            = "inventory"
  engine_version  = "15.5"
  instance_class  = "db.r6g.large"
  storage_gb      = 200
  kms_key_arn     = "arn:aws:kms:eu-central-1:111122223333:key/6f1c2e3d-aaaa-bbbb-cccc-0123456789ab"
  subnet_group    = "private-db"
}

module "search_db" {
  source = "./modules/postgres"

  name           = "search"
  engine_version = "15.5"
  instance_class = "db.t4g.large"
  storage_gb     = 50
  kms_key_arn    = "arn:aws:kms:eu-central-1:111122223333:key/6f1c2e3d-aaaa-bbbb-cccc-0123456789ab"
  subnet_group   = "private-db"
}
