resource "google_compute_disk" "data" {
  name  = "data"
  zone  = "europe-west1-b"
  size  = 100
  image = "debian-cloud/debian-12"
}
