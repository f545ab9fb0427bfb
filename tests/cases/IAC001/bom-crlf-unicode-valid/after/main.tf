resource "aws_sns_topic" "alerts" {
  name         = "ops-alerts"
  display_name = "Opérations – alertes 🚨"
}

resource "aws_sns_topic" "digest" {
  name = "ops-digest" # résumé quotidien
}
