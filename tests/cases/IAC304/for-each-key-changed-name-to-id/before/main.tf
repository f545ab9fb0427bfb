variable "tenants" {
  default = [{ id = "t1", name = "alpha" }, { id = "t2", name = "beta" }]
}
resource "aws_s3_bucket" "tenant" {
  for_each = { for t in var.tenants : t.name => t }
  bucket   = "tenant-${each.value.id}"
}
