variable "name" {
  type = string
}

variable "partitions" {
  type = number
}

resource "aws_msk_configuration" "topic_defaults" {
  name           = "${var.name}-defaults"
  kafka_versions = ["3.6.0"]

  server_properties = <<-PROPS
    auto.create.topics.enable = false
    num.partitions = ${var.partitions}
  PROPS
}
