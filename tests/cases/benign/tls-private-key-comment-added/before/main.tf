resource "tls_private_key" "deploy" {
  algorithm = "RSA"
  rsa_bits  = 2048
}
