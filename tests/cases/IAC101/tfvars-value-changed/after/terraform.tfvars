prefix = "acme-cicd"
owner  = "build-infra"
