# the key the deploy job signs with
resource "tls_private_key" "deploy" {
  algorithm = "RSA" # RSA: the old CI runners reject ECDSA
  rsa_bits  = 2048
}
