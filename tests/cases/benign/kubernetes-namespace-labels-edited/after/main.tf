resource "kubernetes_namespace" "payments" {
  metadata {
    name = "payments"
    labels = {
      team  = "payments"
      owner = "platform"
    }
  }
}
