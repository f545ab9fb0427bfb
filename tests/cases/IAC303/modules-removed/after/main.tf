module "media_bucket" {
  source = "./modules/bucket"

  name = "acme-media"
}
