sql_location = "asia-northeast1"
