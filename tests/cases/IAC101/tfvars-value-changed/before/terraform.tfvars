prefix = "acme-ci"
owner  = "build-infra"
