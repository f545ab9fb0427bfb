resource "github_repository" "legacy" {
  name               = "legacy"
  visibility         = "private"
  archive_on_destroy = false
}
