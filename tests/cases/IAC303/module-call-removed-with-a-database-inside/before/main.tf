module "disabled" {
  source = "./modules/db"
  create = true
}
