# These moved to the data-platform repository (DATA-812); they are imported there.
removed {
  from = aws_dynamodb_table.sessions

  lifecycle {
    destroy = false
  }
}

removed {
  from = google_bigquery_dataset.events

  lifecycle {
    destroy = false
  }
}

removed {
  from = azurerm_cosmosdb_account.profiles

  lifecycle {
    destroy = false
  }
}
