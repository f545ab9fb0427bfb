variable "tenants" {
  default = [{ id = "t2", name = "beta" }, { id = "t1", name = "alpha" }]
}
resource "aws_s3_bucket" "tenant" {
  for_each = { for t in var.tenants : t.name => t }
  bucket   = "tenant-${each.value.id}"
}
