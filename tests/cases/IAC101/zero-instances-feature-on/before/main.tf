module "app" {
  source              = "./modules/app"
  name                = "orders"
  attach_extra_policy = true
}
