module "al2_bootstrap" {
  source = "./modules/bootstrap"
}
