resource "kubernetes_namespace" "payments" {
  metadata {
    name = "payments"
  }
}

resource "kubernetes_persistent_volume_claim_v1" "ledger" {
  metadata {
    name      = "ledger"
    namespace = kubernetes_namespace.payments.metadata[0].name
  }
  spec {
    access_modes = ["ReadWriteOnce"]
    resources {
      requests = {
        storage = "10Gi"
      }
    }
  }
}
