resource "kubernetes_namespace" "payments" {
  metadata {
    name = "payments-v2"
    labels = {
      team = "payments"
    }
  }
}
