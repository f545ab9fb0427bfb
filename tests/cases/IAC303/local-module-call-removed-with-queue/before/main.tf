module "queue" {
  source = "./modules/queue"
  name   = "jobs"
}
