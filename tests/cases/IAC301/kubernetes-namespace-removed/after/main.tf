resource "kubernetes_config_map" "settings" {
  metadata {
    name      = "settings"
    namespace = "default"
  }
  data = {
    mode = "live"
  }
}
