region = "asia-northeast1"
