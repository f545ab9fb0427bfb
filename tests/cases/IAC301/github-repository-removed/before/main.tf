resource "github_repository" "api" {
  name        = "api"
  description = "Public API"
  visibility  = "private"
}

resource "github_team" "backend" {
  name = "backend"
}
