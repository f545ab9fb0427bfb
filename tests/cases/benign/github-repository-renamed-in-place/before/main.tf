resource "github_repository" "api" {
  name        = "api"
  description = "Public API"
  visibility  = "private"
}
