module "app" {
  source = "./modules/app"
  name   = "orders"
}
