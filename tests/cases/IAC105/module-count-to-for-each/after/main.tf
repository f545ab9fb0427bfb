variable "sites" {
  type    = list(string)
  default = ["docs", "status"]
}

module "site" {
  source   = "./modules/site"
  for_each = toset(var.sites)

  domain = "${each.key}.acme.example"
}
