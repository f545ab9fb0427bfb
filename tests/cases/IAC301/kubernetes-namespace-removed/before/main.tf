resource "kubernetes_namespace" "payments" {
  metadata {
    name = "payments"
    labels = {
      team = "payments"
    }
  }
}

resource "kubernetes_config_map" "settings" {
  metadata {
    name      = "settings"
    namespace = "default"
  }
  data = {
    mode = "live"
  }
}
