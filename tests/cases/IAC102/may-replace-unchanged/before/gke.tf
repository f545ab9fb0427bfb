resource "google_compute_disk" "scratch" {
  name = "build-scratch"
  zone = "us-central1-a"
  type = "pd-ssd"
  size = 500
}
