"""Two tiny plugins that send notifications, for the digest tests."""
