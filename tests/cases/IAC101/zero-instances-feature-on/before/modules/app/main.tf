variable "name" {
  type = string
}

variable "attach_extra_policy" {
  type    = bool
  default = false
}

resource "aws_iam_role" "this" {
  name               = var.name
  assume_role_policy = "{}"
}

resource "aws_iam_policy" "extra" {
  count  = var.attach_extra_policy ? 1 : 0
  name   = "${var.name}-extra"
  policy = "{}"
}
