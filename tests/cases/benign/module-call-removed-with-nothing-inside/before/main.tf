module "disabled" {
  source = "./modules/db"
  create = false
}
