module "linux_bootstrap" {
  source = "./modules/bootstrap"
}
