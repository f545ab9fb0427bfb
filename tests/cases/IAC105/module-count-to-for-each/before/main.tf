variable "sites" {
  type    = list(string)
  default = ["docs", "status"]
}

module "site" {
  source = "./modules/site"
  count  = length(var.sites)

  domain = "${var.sites[count.index]}.acme.example"
}
