resource "github_team" "backend" {
  name = "backend"
}
