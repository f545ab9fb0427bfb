resource "google_storage_bucket" "analytics_exports" {
  name                        = "acme-analytics-exports"
  location                    = "EU"
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age = 90
    }
    action {
      type          = "SetStorageClass"
      storage_class = "COLDLINE"
    }
  }

  labels = {
    team = "analytics"
    tier = "gold"
  }
}

resource "google_storage_bucket_iam_member" "exports_reader" {
  bucket = google_storage_bucket.analytics_exports.name
  role   = "roles/storage.objectViewer"
  member = "group:analysts@acme.example"
}
