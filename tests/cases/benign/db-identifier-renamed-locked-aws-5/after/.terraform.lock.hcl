# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.0.0"
  constraints = ">= 4.0.0"
  hashes = [
    "h1:Pv3m5uBdjSL+3ZuBcQdqKXUvvcQ7WSSQ9kdtGcNX0x8=",
  ]
}
