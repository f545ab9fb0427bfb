resource "github_repository" "api" {
  name        = "public-api"
  description = "Public API"
  visibility  = "private"
}
