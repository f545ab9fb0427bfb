locals {
  zone = "europe-west4-b"
}

resource "google_compute_instance" "bastion" {
  name         = "bastion-1"
  machine_type = "e2-small"
  zone         = local.zone

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-11"
      size  = 20
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.mgmt.id
  }

  metadata = {
    enable-oslogin = "TRUE"
  }

  tags = ["bastion", "ssh"]
}

resource "google_compute_subnetwork" "mgmt" {
  name          = "mgmt"
  ip_cidr_range = "10.10.0.0/24"
  region        = "europe-west4"
  network       = "projects/acme-ops/global/networks/ops"
}

resource "google_compute_firewall" "ssh" {
  name    = "allow-iap-ssh"
  network = "projects/acme-ops/global/networks/ops"

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }

  source_ranges = ["35.235.240.0/20"]
  target_tags   = ["ssh"]
}
