prefix = "acme-ci"
owner  = "developer-productivity"
